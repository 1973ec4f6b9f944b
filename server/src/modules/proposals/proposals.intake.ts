/**
 * What every way a proposal enters a queue shares: the cleaned fields, the form's choices,
 * and the insert of rows with their tracking codes, search bigrams and 'received' events.
 */
import { DEFAULT_AREAS, type ProposalChannel, type SubmitProposalBody } from '@piaojue/shared';
import type { DbOrTx, Tx } from '../../db/database.ts';
import type { ProposalRow } from '../../db/types.ts';
import { AppError } from '../../lib/errors.ts';
import { proposalsRepository as repo } from './proposals.repository.ts';
import { bigrams, cleanPhone, cleanText, searchText, trackingCode } from './proposals-text.ts';

export interface NewProposal {
  cycleId: string;
  title: string;
  content: string;
  reason: string;
  costWan: number | null;
  area: string;
  district: string;
  location: string;
  proposerName: string | null;
  proposerPhone: string | null;
  channel: ProposalChannel;
  pointId: string | null;
  channelNote: string;
  receivedAt: Date;
  createdBy: string;
  carriedFromProposalId?: string;
  carriedFromCandidateId?: string;
}

/** A proposal as it enters another cycle's queue (carried over a year, or routed to another level). */
export function copyInto(s: ProposalRow, cycleId: string, area: string, channelNote: string, by: string, receivedAt: Date): NewProposal {
  return {
    cycleId,
    title: s.title,
    content: s.content,
    reason: s.reason,
    costWan: s.cost_wan === null ? null : Number(s.cost_wan),
    area,
    district: s.district,
    location: s.location,
    proposerName: s.proposer_name,
    proposerPhone: s.proposer_phone,
    channel: 'carried',
    pointId: null,
    channelNote,
    receivedAt,
    createdBy: by,
    carriedFromProposalId: s.id,
  };
}

/** The row of a new proposal: a fresh tracking code, its search text and that text's bigrams. */
export function proposalRow(p: NewProposal) {
  const text = searchText(p);
  const grams = bigrams(text);
  return {
    cycle_id: p.cycleId,
    tracking_code: trackingCode(),
    title: p.title,
    content: p.content,
    reason: p.reason,
    cost_wan: p.costWan,
    area: p.area,
    district: p.district,
    location: p.location,
    proposer_name: p.proposerName,
    proposer_phone: p.proposerPhone,
    channel: p.channel,
    collection_point_id: p.pointId,
    channel_note: p.channelNote,
    carried_from_proposal_id: p.carriedFromProposalId ?? null,
    carried_from_candidate_id: p.carriedFromCandidateId ?? null,
    search_text: text,
    grams,
    gram_count: grams.length,
    received_at: p.receivedAt,
    created_by: p.createdBy,
  };
}

/** 400 VALIDATION naming the field, with a message the form can show next to it. */
export function invalid(field: string, reason: string, zh?: string): never {
  throw new AppError('VALIDATION', { field, reason }, zh ? { zh, en: `${field}: ${reason}` } : undefined);
}

export async function cycleOr404(db: DbOrTx, cycleId: string) {
  const c = await repo.cycleRef(db, cycleId);
  if (!c) throw new AppError('NOT_FOUND');
  return c;
}

export async function choicesFor(db: DbOrTx, cycleId: string) {
  const n = await repo.notice(db, cycleId);
  return { notice: n, areas: n?.areas ?? [...DEFAULT_AREAS], districts: n?.districts ?? [] };
}

/** A carried or routed item keeps its area if the receiving cycle's form has it, else 其他 (if any). */
export function areaIn(areas: readonly string[], area: string): string {
  return areas.includes(area) ? area : areas.includes('其他') ? '其他' : area;
}

/** Cleans and checks the fields a citizen or staff typed; throws VALIDATION naming the field. */
export function cleanFields(
  b: Pick<SubmitProposalBody, 'title' | 'content' | 'reason' | 'costWan' | 'area' | 'district' | 'location' | 'proposerName' | 'proposerPhone'>,
  areas: readonly string[],
  districts: readonly string[],
) {
  const title = cleanText(b.title);
  const content = cleanText(b.content, true);
  if (title === '') invalid('title', 'required', '请填写建议标题');
  if (content === '') invalid('content', 'required', '请填写建议内容');
  const area = cleanText(b.area);
  if (!areas.includes(area)) invalid('area', `area must be one of: ${areas.join(', ')}`, '请选择所属领域');
  const district = cleanText(b.district ?? '');
  if (district !== '' && districts.length > 0 && !districts.includes(district)) invalid('district', 'unknown district', '请从列表中选择区县');
  const phone = cleanPhone(b.proposerPhone ?? '');
  if (phone === 'invalid') invalid('proposerPhone', 'phone number is invalid', '电话号码格式不正确');
  const name = cleanText(b.proposerName ?? '');
  return {
    title,
    content,
    reason: cleanText(b.reason ?? '', true),
    costWan: b.costWan === undefined || b.costWan === null ? null : Math.round(b.costWan * 100) / 100,
    area,
    district,
    location: cleanText(b.location ?? ''),
    proposerName: name === '' ? null : name,
    proposerPhone: phone,
  };
}

export async function pointOf(db: DbOrTx, cycleId: string, pointId: string | undefined): Promise<string | null> {
  if (!pointId) return null;
  const p = await repo.point(db, pointId);
  if (!p || p.cycle_id !== cycleId) invalid('pointId', 'unknown collection point', '收集点不存在');
  return p.id;
}

/** Inserts proposals with their codes, bigrams and 'received' events; rows in input order. */
export async function insertProposals(trx: Tx, items: NewProposal[], eventDetail: (p: NewProposal) => Record<string, unknown>) {
  const out: { id: string; no: number; tracking_code: string; received_at: Date; status: string }[] = [];
  for (let i = 0; i < items.length; i += 1000) {
    const chunk = items.slice(i, i + 1000);
    const prepared = chunk.map((p) => ({ p, row: proposalRow(p) }));
    const rows = await repo.insertMany(
      trx,
      prepared.map((x) => x.row),
    );
    const byCode = new Map(rows.map((r) => [r.tracking_code, r]));
    const ordered = prepared.map((x) => byCode.get(x.row.tracking_code)!);
    await repo.insertGrams(
      trx,
      prepared.map((x, k) => ({ cycleId: x.p.cycleId, proposalId: ordered[k]!.id, grams: x.row.grams })),
    );
    await repo.insertEvents(
      trx,
      prepared.map((x, k) => ({
        proposal_id: ordered[k]!.id,
        at: x.p.receivedAt,
        kind: 'received',
        actor: x.p.createdBy,
        public: true,
        detail: JSON.stringify(eventDetail(x.p)),
      })),
    );
    out.push(...ordered.map((r) => ({ ...r, no: Number(r.no) })));
  }
  return out;
}
