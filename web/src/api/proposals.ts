import type {
  CarryOverBody,
  CarryOverResult,
  CollectionNotice,
  CollectionNoticeBody,
  CollectionPoint,
  CollectionPointBody,
  FreezeShortlistBody,
  MergeBody,
  MergeResult,
  Posters,
  ProposalActionBody,
  ProposalActionResult,
  ProposalDetail,
  ProposalImportBody,
  ProposalImportResult,
  ProposalPage,
  ProposalQuery,
  PublicCollection,
  PublicCycleList,
  PublicProposal,
  Reserve,
  Shortlist,
  StaffProposalBody,
  SubmitProposalBody,
  SubmitReceipt,
  UnmergeBody,
  UnitCycle,
} from '@piaojue/shared';
import { http } from './client.ts';

const enc = encodeURIComponent;

export type QueueFilters = Omit<ProposalQuery, 'cursor' | 'limit' | 'sort'>;

/** Query string with repeated keys for arrays (status=a&status=b). */
export function queryString(q: Record<string, unknown>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const x of v) p.append(k, String(x));
    else p.append(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const proposalsApi = {
  // public portal
  collections: () => http.get<PublicCycleList>('/api/public/collections'),
  collection: (cycleId: string) => http.get<PublicCollection>(`/api/public/cycles/${enc(cycleId)}/collection`),
  submit: (cycleId: string, body: SubmitProposalBody) => http.post<SubmitReceipt>(`/api/public/cycles/${enc(cycleId)}/proposals`, body),
  track: (code: string) => http.get<PublicProposal>(`/api/public/proposals/${enc(code)}`),

  // staff
  notice: (cycleId: string) => http.get<CollectionNotice>(`/api/cycles/${enc(cycleId)}/collection`),
  saveNotice: (cycleId: string, body: CollectionNoticeBody) => http.put<CollectionNotice>(`/api/cycles/${enc(cycleId)}/collection`, body),
  addPoint: (cycleId: string, body: CollectionPointBody) => http.post<CollectionPoint>(`/api/cycles/${enc(cycleId)}/collection-points`, body),
  updatePoint: (id: string, body: CollectionPointBody) => http.patch<CollectionPoint>(`/api/collection-points/${enc(id)}`, body),
  deletePoint: (id: string) => http.del<unknown>(`/api/collection-points/${enc(id)}`),
  enter: (cycleId: string, body: StaffProposalBody) => http.post<ProposalDetail>(`/api/cycles/${enc(cycleId)}/proposals`, body),
  posters: (cycleId: string) => http.get<Posters>(`/api/cycles/${enc(cycleId)}/posters`),
  points: (cycleId: string) => http.get<CollectionPoint[]>(`/api/cycles/${enc(cycleId)}/collection-points`),
  queue: (cycleId: string, q: ProposalQuery) => http.get<ProposalPage>(`/api/cycles/${enc(cycleId)}/proposals${queryString(q)}`),
  detail: (id: string) => http.get<ProposalDetail>(`/api/proposals/${enc(id)}`),
  /** The other levels' cycles, still open, that a routed proposal can be delivered into. */
  routingTargets: (cycleId: string) => http.get<UnitCycle[]>(`/api/cycles/${enc(cycleId)}/routing-targets`),
  act: (cycleId: string, body: ProposalActionBody) => http.post<ProposalActionResult>(`/api/cycles/${enc(cycleId)}/proposals/actions`, body),
  merge: (cycleId: string, body: MergeBody) => http.post<MergeResult>(`/api/cycles/${enc(cycleId)}/proposals/merge`, body),
  unmerge: (cycleId: string, body: UnmergeBody) => http.post<ProposalActionResult>(`/api/cycles/${enc(cycleId)}/proposals/unmerge`, body),
  importSheet: (cycleId: string, body: ProposalImportBody) => http.post<ProposalImportResult>(`/api/cycles/${enc(cycleId)}/proposals/import`, body),
  exportUrl: (cycleId: string, q: QueueFilters & { format: 'csv' | 'xlsx'; contact?: boolean }) =>
    `/api/cycles/${enc(cycleId)}/proposals/export${queryString(q)}`,
  shortlist: (cycleId: string) => http.get<Shortlist>(`/api/cycles/${enc(cycleId)}/shortlist`),
  /** Records the 主任会议/主席团 decision and freezes the list (the cycle's 差额 range enforced). */
  freezeShortlist: (cycleId: string, body: FreezeShortlistBody) => http.post<Shortlist>(`/api/cycles/${enc(cycleId)}/shortlist/freeze`, body),
  reserve: (cycleId: string) => http.get<Reserve>(`/api/cycles/${enc(cycleId)}/reserve`),
  carryOver: (targetCycleId: string, body: CarryOverBody) => http.post<CarryOverResult>(`/api/cycles/${enc(targetCycleId)}/carry-over`, body),
};

/** Read a File as base64 (no data: prefix). */
export function fileToBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => {
      const s = String(r.result ?? '');
      resolve(s.slice(s.indexOf(',') + 1));
    };
    r.onerror = () => reject(r.error ?? new Error('read failed'));
    r.readAsDataURL(file);
  });
}

/** XXXX-XXXX-XXXX, whatever the user typed. */
export function normalizeCode(s: string): string {
  const c = s.toUpperCase().replace(/[^0-9A-Z]/g, '');
  if (c.length !== 12) return s.trim().toUpperCase();
  return `${c.slice(0, 4)}-${c.slice(4, 8)}-${c.slice(8)}`;
}
