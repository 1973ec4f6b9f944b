import {
  PROPOSAL_STATUSES,
  type Candidate,
  type MergeBody,
  type MergeResult,
  type ProposalAction,
  type ProposalActionBody,
  type ProposalDetail,
  type ProposalEventKind,
  type ProposalExportQuery,
  type ProposalPage,
  type ProposalQuery,
  type ProposalStatus,
  type UpdateProposalBody,
} from '@piaojue/shared';
import type { Db, DbOrTx, Tx } from '../../db/database.ts';
import type { ProposalRow } from '../../db/types.ts';
import { AppError } from '../../lib/errors.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { actorOf, type Principal } from '../auth/auth.service.ts';
import { cyclesRepository } from '../cycles/cycles.repository.ts';
import { candidateColumns, toCandidate } from '../cycles/cycles.service.ts';
import { exportTable, toCsv, toXlsx, type ExportRow } from './proposals-export.ts';
import { areaIn, choicesFor, cleanFields, copyInto, cycleOr404, insertProposals, invalid } from './proposals.intake.ts';
import { canSeeContact, iso, toLink, toSummary } from './proposals.mappers.ts';
import { proposalsRepository as repo, type QueueFilter } from './proposals.repository.ts';
import { bigrams, cleanText, escapeLike, normalizeText, normalizeTrackingCode, searchText } from './proposals-text.ts';

const CHINA_OFFSET = '+08:00';

/**
 * The review actions: which statuses each moves to its target (`from`) and which it leaves as
 * they are (`idle`); any other status is refused. Merged proposals must be unmerged first.
 */
const UNLINKED = ['received', 'under_review', 'rejected', 'reserved', 'routed'] as const satisfies readonly ProposalStatus[];
const TRANSITIONS: Record<ProposalAction, { to: ProposalStatus; event: ProposalEventKind; from: readonly ProposalStatus[]; idle: readonly ProposalStatus[] }> = {
  review: { to: 'under_review', event: 'review_started', from: ['received'], idle: ['under_review'] },
  reject: { to: 'rejected', event: 'rejected', from: UNLINKED.filter((s) => s !== 'rejected'), idle: ['rejected'] },
  reserve: { to: 'reserved', event: 'reserved', from: UNLINKED.filter((s) => s !== 'reserved'), idle: ['reserved'] },
  route: { to: 'routed', event: 'routed', from: UNLINKED.filter((s) => s !== 'routed'), idle: ['routed'] },
  reopen: { to: 'under_review', event: 'reopened', from: ['rejected', 'reserved', 'routed'], idle: ['received', 'under_review'] },
};

/** A YYYY-MM-DD filter is a day in China Standard Time; `end` gives the next day's start. */
function dayBound(v: string, end: boolean): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const start = new Date(`${v}T00:00:00${CHINA_OFFSET}`);
    return end ? new Date(start.getTime() + 86_400_000) : start;
  }
  return new Date(v);
}

/** 初定 work on the queue: reading, correcting, deciding, merging into candidates, exporting. */
export class ReviewService {
  constructor(private readonly db: Db) {}

  private filterOf(cycleId: string, q: Omit<ProposalQuery, 'cursor' | 'limit' | 'sort'>): QueueFilter {
    const f: QueueFilter = { cycleId };
    if (q.status?.length) f.statuses = q.status;
    if (q.area) f.area = q.area;
    if (q.district) f.district = q.district;
    if (q.channel?.length) f.channels = q.channel;
    if (q.pointId) f.pointId = q.pointId;
    if (q.candidateId) f.candidateId = q.candidateId;
    if (q.from) f.from = dayBound(q.from, false);
    if (q.to) f.to = dayBound(q.to, true);
    const text = (q.q ?? '').trim();
    if (text !== '') {
      const normalized = normalizeText(text);
      const no = /^#?(\d{1,15})$/.exec(text.normalize('NFKC'));
      f.search = {
        like: normalized === '' ? null : `%${escapeLike(normalized)}%`,
        grams: bigrams(normalized),
        code: normalizeTrackingCode(text),
        no: no ? Number(no[1]) : null,
      };
    }
    return f;
  }

  async queue(cycleId: string, q: ProposalQuery): Promise<ProposalPage> {
    await cycleOr404(this.db, cycleId);
    const sort = q.sort ?? 'newest';
    const limit = q.limit ?? 50;
    let after: { receivedAt: Date; no: number } | null = null;
    if (q.cursor) {
      try {
        const [s, t, no] = JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')) as [string, string, number];
        const receivedAt = new Date(t);
        if (s !== sort || Number.isNaN(receivedAt.getTime()) || !Number.isInteger(no)) throw new Error('cursor');
        after = { receivedAt, no };
      } catch {
        invalid('cursor', 'not a cursor of this query', '翻页参数无效，请从第一页重新查询');
      }
    }
    const f = this.filterOf(cycleId, q);
    const [rows, counts] = await Promise.all([repo.page(this.db, f, sort, after, limit + 1), repo.statusCounts(this.db, f)]);
    const statusCounts = Object.fromEntries(PROPOSAL_STATUSES.map((s) => [s, 0])) as Record<ProposalStatus, number>;
    for (const c of counts) statusCounts[c.status as ProposalStatus] = Number(c.n);
    const total = (f.statuses ?? PROPOSAL_STATUSES).reduce((sum, s) => sum + statusCounts[s as ProposalStatus], 0);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toSummary),
      total,
      statusCounts,
      nextCursor: rows.length > limit && last ? Buffer.from(JSON.stringify([sort, iso(last.received_at), Number(last.no)])).toString('base64url') : null,
    };
  }

  async detail(viewer: Principal, id: string, db: DbOrTx = this.db): Promise<ProposalDetail> {
    const row = await repo.get(db, id);
    if (!row) throw new AppError('NOT_FOUND');
    const [summary] = await repo.summariesByIds(db, [id]);
    const [events, links, children] = await Promise.all([repo.events(db, [id], false), repo.links(db, id), repo.carriedChildren(db, [id])]);
    let carriedFrom: ProposalDetail['carriedFrom'] = null;
    if (row.carried_from_proposal_id) {
      const src = await repo.get(db, row.carried_from_proposal_id);
      const cyc = src ? await repo.cycleRef(db, src.cycle_id) : undefined;
      if (src && cyc) carriedFrom = { proposalId: src.id, candidateId: null, cycleId: cyc.id, cycleName: cyc.name, title: src.title, no: Number(src.no) };
    } else if (row.carried_from_candidate_id) {
      const cand = await cyclesRepository.candidate(db, row.carried_from_candidate_id);
      const cyc = cand ? await repo.cycleRef(db, cand.cycle_id) : undefined;
      if (cand && cyc) carriedFrom = { proposalId: null, candidateId: cand.id, cycleId: cyc.id, cycleName: cyc.name, title: cand.name, no: null };
    }
    const contact = canSeeContact(viewer);
    return {
      ...toSummary(summary!),
      reason: row.reason,
      costWan: row.cost_wan === null ? null : Number(row.cost_wan),
      proposerName: contact ? row.proposer_name : null,
      proposerPhone: contact ? row.proposer_phone : null,
      contactVisible: contact,
      channelNote: row.channel_note,
      decisionReason: row.decision_reason,
      routedTo: row.routed_to,
      createdBy: row.created_by,
      events: events.map((e) => ({ id: Number(e.id), at: iso(e.at), kind: e.kind as ProposalDetail['events'][number]['kind'], actor: e.actor, public: e.public, detail: e.detail })),
      links: links.map(toLink),
      carriedFrom,
      carriedTo: children.map((c) => ({ proposalId: c.id, candidateId: null, cycleId: c.cycle_id, cycleName: c.cycle_name, title: c.title, no: Number(c.no) })),
    };
  }

  async update(actor: Principal, id: string, b: UpdateProposalBody): Promise<ProposalDetail> {
    await this.db.transaction().execute(async (trx) => {
      const [locked] = await repo.lockMany(trx, [id]);
      if (!locked) throw new AppError('NOT_FOUND');
      const cur = (await repo.get(trx, id))!;
      const { areas, districts } = await choicesFor(trx, cur.cycle_id);
      // Unchanged fields pass even if the notice's lists changed since.
      const f = cleanFields(
        {
          title: b.title ?? cur.title,
          content: b.content ?? cur.content,
          reason: b.reason ?? cur.reason,
          costWan: b.costWan === undefined ? (cur.cost_wan === null ? null : Number(cur.cost_wan)) : b.costWan,
          area: b.area ?? cur.area,
          district: b.district ?? cur.district,
          location: b.location ?? cur.location,
        },
        b.area === undefined ? [...areas, cur.area] : areas,
        b.district === undefined ? [] : districts,
      );
      const fields = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
      const text = searchText(f);
      const regram = text !== cur.search_text;
      const grams = regram ? bigrams(text) : [];
      await repo.update(trx, id, {
        title: f.title,
        content: f.content,
        reason: f.reason,
        cost_wan: f.costWan,
        area: f.area,
        district: f.district,
        location: f.location,
        ...(b.channelNote !== undefined && { channel_note: cleanText(b.channelNote) }),
        ...(regram && { search_text: text, grams, gram_count: grams.length }),
        updated_at: new Date(),
      });
      if (regram) {
        await repo.deleteGrams(trx, { cycleId: cur.cycle_id, proposalId: id, grams: cur.grams });
        await repo.insertGrams(trx, [{ cycleId: cur.cycle_id, proposalId: id, grams }]);
      }
      await repo.insertEvents(trx, [{ proposal_id: id, kind: 'edited', actor: actorOf(actor), public: false, detail: JSON.stringify({ fields }) }]);
      await appendAudit(trx, { actor: actorOf(actor), action: 'proposal.edited', subject: `proposal:${id}`, details: { fields } });
    });
    return this.detail(actor, id);
  }

  async export(viewer: Principal, cycleId: string, q: ProposalExportQuery): Promise<{ body: Buffer; contentType: string; fileName: string }> {
    const cycle = await cycleOr404(this.db, cycleId);
    const withContact = q.contact === true;
    if (withContact && !canSeeContact(viewer)) throw new AppError('FORBIDDEN');
    const rows = (await repo.exportRows(this.db, this.filterOf(cycleId, q))) as unknown as ExportRow[];
    const table = exportTable(rows, withContact);
    const format = q.format ?? 'xlsx';
    await appendAudit(this.db, { actor: actorOf(viewer), action: 'proposal.exported', subject: `cycle:${cycleId}`, details: { count: rows.length, format, contact: withContact } });
    const stamp = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const fileName = `proposals-${cycle.year}-${stamp}.${format}`;
    if (format === 'csv') return { body: toCsv(table), contentType: 'text/csv; charset=utf-8', fileName };
    return { body: await toXlsx(table, `${cycle.year}年度建议`), contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', fileName };
  }

  /** Locks the proposals, all of one cycle; refuses unknown ids and ones already carried on. */
  private async lockForAction(trx: Tx, cycleId: string, ids: readonly string[]) {
    const rows = await repo.lockMany(trx, ids);
    if (rows.length !== ids.length) {
      const found = new Set(rows.map((r) => r.id));
      throw new AppError('NOT_FOUND', { missing: ids.filter((i) => !found.has(i)) });
    }
    const foreign = rows.filter((r) => r.cycle_id !== cycleId);
    if (foreign.length > 0) throw new AppError('WRONG_CYCLE', { proposals: foreign.map((r) => Number(r.no)) });
    const carried = await repo.carriedChildren(trx, ids);
    if (carried.length > 0) {
      throw new AppError('PROPOSAL_STATE', { reason: 'carried into another cycle', proposals: carried.map((c) => c.carried_from_proposal_id) });
    }
    return rows;
  }

  async act(actor: Principal, cycleId: string, b: ProposalActionBody): Promise<{ changed: number; unchanged: number }> {
    const reason = cleanText(b.reason ?? '', true);
    const routedTo = cleanText(b.routedTo ?? '');
    if (b.action === 'reject' && reason === '') invalid('reason', 'a rejection needs a reason the citizen will see', '请填写不予采纳的理由（群众可见）');
    if (b.action === 'route' && routedTo === '') invalid('routedTo', 'say where it is routed', '请填写转交的层级或单位');
    const t = TRANSITIONS[b.action];
    const keepsReason = b.action === 'reject' || b.action === 'reserve' || b.action === 'route';
    const newReason = keepsReason && reason !== '' ? reason : null;
    const newRoutedTo = b.action === 'route' ? routedTo : null;
    if (b.routedToCycleId !== undefined && b.action !== 'route') invalid('routedToCycleId', 'only a routing names a receiving cycle', '只有转交时才能指定接收年度');
    const by = actorOf(actor);
    return this.db.transaction().execute(async (trx) => {
      const source = await cyclesRepository.get(trx, cycleId);
      if (!source) throw new AppError('NOT_FOUND');
      const target = b.routedToCycleId === undefined ? null : await cyclesRepository.lock(trx, b.routedToCycleId);
      if (b.routedToCycleId !== undefined) {
        if (!target) throw new AppError('NOT_FOUND', { field: 'routedToCycleId' });
        if (target.level === source.level) invalid('routedToCycleId', 'routing goes to another level', '转交须转到其他层级的年度');
        if (target.frozen_at) throw new AppError('LIST_FROZEN');
      }
      const rows = await this.lockForAction(trx, cycleId, b.proposalIds);
      const wrong = rows.filter((r) => !t.from.includes(r.status as ProposalStatus) && !t.idle.includes(r.status as ProposalStatus));
      if (wrong.length > 0) {
        throw new AppError('PROPOSAL_STATE', {
          action: b.action,
          ...(wrong.some((r) => r.status === 'accepted' || r.status === 'merged') && { hint: 'unmerge first' }),
          proposals: wrong.map((r) => ({ id: r.id, no: Number(r.no), status: r.status })),
        });
      }
      // Already there: still a change the citizen should see if the reason or destination is new.
      const ids = rows
        .filter((r) => t.from.includes(r.status as ProposalStatus) || (r.status === t.to && keepsReason && (r.decision_reason !== newReason || r.routed_to !== newRoutedTo)))
        .map((r) => r.id);
      await repo.setStatus(trx, ids, { status: t.to, decision_reason: newReason, routed_to: newRoutedTo, updated_at: new Date() });
      const detail = { ...(newReason !== null && { reason: newReason }), ...(newRoutedTo !== null && { routedTo: newRoutedTo }) };
      await repo.insertEvents(trx, ids.map((id) => ({ proposal_id: id, kind: t.event, actor: by, public: true, detail: JSON.stringify(detail) })));
      if (ids.length > 0) await appendAudit(trx, { actor: by, action: `proposal.${b.action}`, subject: `cycle:${cycleId}`, details: { proposals: ids, ...detail } });
      if (target) await this.deliverRouted(trx, by, source.name, target, ids);
      return { changed: ids.length, unchanged: rows.length - ids.length };
    });
  }

  /** A routed proposal lands in the receiving level's queue as a new proposal that links back. */
  private async deliverRouted(trx: Tx, by: string, sourceName: string, target: { id: string; name: string }, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const already = await repo.carriedChildren(trx, ids);
    const fresh = ids.filter((id) => !already.some((c) => c.carried_from_proposal_id === id));
    const { areas } = await choicesFor(trx, target.id);
    const now = new Date();
    const sources: ProposalRow[] = [];
    for (const id of fresh) sources.push((await repo.get(trx, id))!);
    const created = await insertProposals(
      trx,
      sources.map((s) => copyInto(s, target.id, areaIn(areas, s.area), `${sourceName} 第 ${Number(s.no)} 号（转办）`, by, now)),
      () => ({ carriedFrom: 'proposal' }),
    );
    await repo.setRoutedCycle(trx, ids, target.id);
    await repo.insertEvents(trx, [
      ...created.map((row) => ({ proposal_id: row.id, kind: 'carried_in', actor: by, public: true, detail: JSON.stringify({ cycleName: sourceName }) })),
      ...sources.map((s) => ({ proposal_id: s.id, kind: 'carried_out', actor: by, public: true, detail: JSON.stringify({ cycleId: target.id, cycleName: target.name }) })),
    ]);
    await appendAudit(trx, { actor: by, action: 'proposal.delivered', subject: `cycle:${target.id}`, details: { proposals: fresh, created: created.map((c) => c.id) } });
  }

  async merge(actor: Principal, cycleId: string, b: MergeBody): Promise<MergeResult> {
    if ((b.candidateId === undefined) === (b.newCandidate === undefined)) {
      invalid('candidateId', 'give exactly one of candidateId and newCandidate', '请选择已有候选项目或新建候选项目（二选一）');
    }
    const by = actorOf(actor);
    return this.db.transaction().execute(async (trx) => {
      const cycle = await cyclesRepository.lock(trx, cycleId);
      if (!cycle) throw new AppError('NOT_FOUND');
      if (cycle.frozen_at) throw new AppError('LIST_FROZEN');
      const rows = await this.lockForAction(trx, cycleId, b.proposalIds);
      const links = await repo.activeLinks(trx, b.proposalIds);
      let candidate: Candidate;
      if (b.candidateId) {
        const c = await cyclesRepository.candidate(trx, b.candidateId);
        if (!c) throw new AppError('NOT_FOUND');
        if (c.cycle_id !== cycleId) throw new AppError('WRONG_CYCLE');
        candidate = toCandidate(c);
      } else {
        const n = b.newCandidate!;
        const { max } = await cyclesRepository.maxPosition(trx, cycleId);
        const row = await cyclesRepository.insertCandidate(trx, {
          cycle_id: cycleId,
          position: Number(max) + 1,
          ...candidateColumns(n),
          name: cleanText(n.name),
        });
        candidate = toCandidate(row);
        await appendAudit(trx, { actor: by, action: 'candidate.created', subject: `candidate:${row.id}`, details: { cycleId, name: row.name, fromProposals: b.proposalIds.length } });
      }
      const elsewhere = links.filter((l) => l.candidate_id !== candidate.id);
      if (elsewhere.length > 0) {
        const no = new Map(rows.map((r) => [r.id, Number(r.no)]));
        throw new AppError('PROPOSAL_MERGED_ELSEWHERE', { proposals: elsewhere.map((l) => ({ id: l.proposal_id, no: no.get(l.proposal_id), candidateId: l.candidate_id, candidateName: l.candidate_name })) });
      }
      const already = new Set(links.map((l) => l.proposal_id));
      const ids = rows.filter((r) => !already.has(r.id)).map((r) => r.id);
      const status: ProposalStatus = b.newCandidate ? 'accepted' : 'merged';
      await repo.insertLinks(trx, ids.map((id) => ({ proposal_id: id, candidate_id: candidate.id, linked_by: by })));
      await repo.setStatus(trx, ids, { status, decision_reason: null, routed_to: null, updated_at: new Date() });
      await repo.insertEvents(
        trx,
        ids.map((id) => ({ proposal_id: id, kind: status, actor: by, public: true, detail: JSON.stringify({ candidateId: candidate.id, candidateName: candidate.name }) })),
      );
      if (ids.length > 0) {
        await appendAudit(trx, { actor: by, action: 'proposal.merged', subject: `candidate:${candidate.id}`, details: { cycleId, proposals: ids, newCandidate: !!b.newCandidate } });
      }
      return { candidate, linked: ids.length, unchanged: rows.length - ids.length };
    });
  }

  /** Undoes merges before the freeze: the links stay in the history, marked undone. */
  async unmerge(actor: Principal, cycleId: string, proposalIds: string[], reason?: string): Promise<{ changed: number; unchanged: number }> {
    const by = actorOf(actor);
    const why = cleanText(reason ?? '', true);
    return this.db.transaction().execute(async (trx) => {
      const cycle = await cyclesRepository.lock(trx, cycleId);
      if (!cycle) throw new AppError('NOT_FOUND');
      if (cycle.frozen_at) throw new AppError('LIST_FROZEN');
      const rows = await this.lockForAction(trx, cycleId, proposalIds);
      const links = await repo.activeLinks(trx, proposalIds);
      const linked = new Set(links.map((l) => l.proposal_id));
      const loose = rows.filter((r) => !linked.has(r.id));
      if (loose.length > 0) throw new AppError('PROPOSAL_NOT_MERGED', { proposals: loose.map((r) => ({ id: r.id, no: Number(r.no), status: r.status })) });
      await repo.undoLinks(trx, links.map((l) => l.id), by);
      await repo.setStatus(trx, proposalIds, { status: 'under_review', updated_at: new Date() });
      await repo.insertEvents(
        trx,
        links.map((l) => ({
          proposal_id: l.proposal_id,
          kind: 'unmerged',
          actor: by,
          public: true,
          detail: JSON.stringify({ candidateId: l.candidate_id, candidateName: l.candidate_name, ...(why ? { reason: why } : {}) }),
        })),
      );
      await appendAudit(trx, {
        actor: by,
        action: 'proposal.unmerged',
        subject: `cycle:${cycleId}`,
        details: { links: links.map((l) => ({ proposal: l.proposal_id, candidate: l.candidate_id })), ...(why ? { reason: why } : {}) },
      });
      return { changed: links.length, unchanged: 0 };
    });
  }

  async candidateProposals(candidateId: string, includeUndone: boolean) {
    const cand = await cyclesRepository.candidate(this.db, candidateId);
    if (!cand) throw new AppError('NOT_FOUND');
    const links = await repo.candidateSources(this.db, candidateId, includeUndone);
    const summaries = new Map((await repo.summariesByIds(this.db, [...new Set(links.map((l) => l.proposal_id))])).map((s) => [s.id, toSummary(s)]));
    return links.map((l) => ({
      link: toLink(l),
      proposal: summaries.get(l.proposal_id)!,
    }));
  }
}
