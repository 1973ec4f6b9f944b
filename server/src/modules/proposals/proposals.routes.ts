import {
  CandidateSources,
  CandidateSourcesQuery,
  CarryOverBody,
  CarryOverResult,
  CollectionNotice,
  CollectionNoticeBody,
  CollectionPoint,
  CollectionPointBody,
  FreezeShortlistBody,
  IdParams,
  MergeBody,
  MergeResult,
  Ok,
  Posters,
  ProposalActionBody,
  ProposalActionResult,
  ProposalDetail,
  ProposalExportQuery,
  ProposalImportBody,
  ProposalImportResult,
  ProposalPage,
  ProposalQuery,
  PublicCollection,
  PublicCycleList,
  PublicProposal,
  PublicShortlist,
  Reserve,
  Shortlist,
  StaffProposalBody,
  SubmitProposalBody,
  SubmitReceipt,
  TrackingParams,
  UnmergeBody,
  UpdateProposalBody,
} from '@piaojue/shared';
import { Type } from 'typebox';
import { fileResponse } from '../../lib/openapi.ts';
import type { RoutesPlugin } from '../../lib/routes.ts';

export const STAFF = ['staff'] as const;
/** May read the queue and proposals; the proposer's name and phone only reach 'staff' (and admin). */
export const REVIEWERS = ['staff', 'presidium'] as const;
const READERS = ['staff', 'presidium', 'scrutineer'] as const;
const PUBLIC = ['public'] as const;

/**
 * Per client address. Constants for now (config.ts belongs to the platform); citizens behind
 * one carrier NAT share an address, so the submit limit is generous per minute.
 */
export const SUBMIT_RATE = { max: 10, timeWindow: '1 minute' } as const;
export const LOOKUP_RATE = { max: 60, timeWindow: '1 minute' } as const;
export const PORTAL_RATE = { max: 300, timeWindow: '1 minute' } as const;
/** A proposal is a few KB of text at most; anything bigger is refused before parsing. */
export const SUBMIT_BODY_LIMIT = 32 * 1024;

export const proposalsRoutes: RoutesPlugin = async (app, { services }) => {
  const { collection, submissions, review, shortlist, carryOver, portal } = services.proposals;
  const portalTags = ['portal'];
  const tags = ['proposals'];

  // ---------------------------------------------------------------- public portal (no account)
  app.get(
    '/api/public/collections',
    {
      config: { roles: PUBLIC, rateLimit: PORTAL_RATE },
      schema: { tags: portalTags, summary: '征集公告列表 · Cycles with a collection notice', response: { 200: PublicCycleList } },
    },
    () => portal.publicCycles(),
  );
  app.get(
    '/api/public/cycles/:id/collection',
    {
      config: { roles: PUBLIC, rateLimit: PORTAL_RATE },
      schema: {
        tags: portalTags,
        summary: '征集公告与建议表单选项 · Collection notice, form choices and collection points',
        description: 'state tells whether the form is open; 404 COLLECTION_NOT_PUBLISHED when the cycle has no notice.',
        params: IdParams,
        response: { 200: PublicCollection },
      },
    },
    (req) => portal.publicCollection(req.params.id),
  );
  app.post(
    '/api/public/cycles/:id/proposals',
    {
      config: { roles: PUBLIC, rateLimit: SUBMIT_RATE },
      bodyLimit: SUBMIT_BODY_LIMIT,
      schema: {
        tags: portalTags,
        summary: '提交民生实事建议 · Submit a proposal',
        description:
          'Only while the notice is open (409 COLLECTION_NOT_OPEN / COLLECTION_CLOSED). The same title+content from the same client ' +
          'within 10 minutes returns the first tracking code with duplicate=true. A non-empty `website` (honeypot) is refused with ' +
          '400 SUBMISSION_REFUSED. Rate-limited per address (429 RATE_LIMITED); bodies over 32 KB get 413.',
        params: IdParams,
        body: SubmitProposalBody,
        response: { 200: SubmitReceipt },
      },
    },
    (req) => submissions.submit(req.params.id, req.body, { ip: req.ip, userAgent: req.headers['user-agent'] ?? '' }),
  );
  app.get(
    '/api/public/proposals/:code',
    {
      config: { roles: PUBLIC, rateLimit: LOOKUP_RATE },
      schema: {
        tags: portalTags,
        summary: '凭查询码查看建议办理情况 · Track a proposal by its code',
        description: 'Status, public timeline, the candidate it fed and that candidate’s outcome. Never the proposer’s name or phone.',
        params: TrackingParams,
        response: { 200: PublicProposal },
      },
    },
    (req) => portal.track(req.params.code),
  );
  app.get(
    '/api/public/cycles/:id/shortlist',
    {
      config: { roles: PUBLIC, rateLimit: PORTAL_RATE },
      schema: {
        tags: portalTags,
        summary: '已确定的候选项目清单 · The frozen candidate list',
        description: '409 LIST_NOT_FROZEN until the 主任会议/主席团 has fixed the list.',
        params: IdParams,
        response: { 200: PublicShortlist },
      },
    },
    (req) => portal.publicShortlist(req.params.id),
  );

  // ---------------------------------------------------------------- collection notice & points
  app.get(
    '/api/cycles/:id/collection',
    { config: { roles: READERS }, schema: { tags, summary: '查看征集公告 · Collection notice', params: IdParams, response: { 200: CollectionNotice } } },
    (req) => collection.notice(req.params.id),
  );
  app.put(
    '/api/cycles/:id/collection',
    {
      config: { roles: STAFF },
      schema: {
        tags,
        summary: '发布或修改征集公告 · Publish or edit the collection notice',
        description: 'Sets the window (opensAt < closesAt) and the form’s areas (default: 民生七有 + common areas) and districts.',
        params: IdParams,
        body: CollectionNoticeBody,
        response: { 200: CollectionNotice },
      },
    },
    (req) => collection.setNotice(req.principal, req.params.id, req.body),
  );
  app.get(
    '/api/cycles/:id/collection-points',
    { config: { roles: READERS }, schema: { tags, summary: '收集点列表 · Collection points', params: IdParams, response: { 200: Type.Array(CollectionPoint) } } },
    (req) => collection.points(req.params.id),
  );
  app.post(
    '/api/cycles/:id/collection-points',
    { config: { roles: STAFF }, schema: { tags, summary: '新增收集点 · Add a collection point', params: IdParams, body: CollectionPointBody, response: { 200: CollectionPoint } } },
    (req) => collection.addPoint(req.principal, req.params.id, req.body),
  );
  app.patch(
    '/api/collection-points/:id',
    { config: { roles: STAFF }, schema: { tags, summary: '修改收集点 · Rename a collection point', params: IdParams, body: CollectionPointBody, response: { 200: CollectionPoint } } },
    (req) => collection.updatePoint(req.principal, req.params.id, req.body),
  );
  app.delete(
    '/api/collection-points/:id',
    {
      config: { roles: STAFF },
      schema: { tags, summary: '删除未使用的收集点 · Delete an unused collection point', description: '409 POINT_IN_USE once a proposal came through it.', params: IdParams, response: { 200: Ok } },
    },
    async (req) => {
      await collection.deletePoint(req.principal, req.params.id);
      return { ok: true as const };
    },
  );
  app.get(
    '/api/cycles/:id/posters',
    {
      config: { roles: STAFF },
      schema: {
        tags,
        summary: '征集二维码海报数据 · QR poster data per collection point',
        description: 'One general web poster plus one per collection point; the web renders `url` as a QR code.',
        params: IdParams,
        response: { 200: Posters },
      },
    },
    (req) => collection.posters(req.params.id),
  );

  // ---------------------------------------------------------------- queue & proposals
  app.get(
    '/api/cycles/:id/proposals',
    {
      config: { roles: REVIEWERS },
      schema: {
        tags,
        summary: '建议审查队列 · Review queue (filters, Chinese search, keyset paging)',
        description:
          'Repeat status/channel for several values. q finds Chinese substrings of title/content/reason/location, a tracking code or a number. ' +
          'Pass nextCursor as cursor for the next page; total and statusCounts count every match.',
        params: IdParams,
        querystring: ProposalQuery,
        response: { 200: ProposalPage },
      },
    },
    (req) => review.queue(req.params.id, req.query),
  );
  app.post(
    '/api/cycles/:id/proposals',
    {
      config: { roles: STAFF },
      schema: {
        tags,
        summary: '录入热线/来信/代表建议 · Enter a proposal on a citizen’s behalf',
        description: 'The collection window does not apply. The reply carries the tracking code to give to the citizen.',
        params: IdParams,
        body: StaffProposalBody,
        response: { 200: ProposalDetail },
      },
    },
    (req) => submissions.enter(req.principal, req.params.id, req.body),
  );
  app.post(
    '/api/cycles/:id/proposals/import',
    {
      config: { roles: STAFF },
      bodyLimit: 24 * 1024 * 1024,
      schema: {
        tags,
        summary: '导入线下收集的建议（CSV/XLSX）· Import proposals gathered offline',
        description: 'All or nothing: 400 PROPOSALS_INVALID with details.errors[] (row, column, code, message) and nothing stored.',
        params: IdParams,
        body: ProposalImportBody,
        response: { 200: ProposalImportResult },
      },
    },
    (req) => submissions.importSheet(req.principal, req.params.id, req.body),
  );
  app.get(
    '/api/cycles/:id/proposals/export',
    {
      config: { roles: REVIEWERS },
      schema: {
        tags,
        summary: '导出建议（CSV/XLSX）· Export the queue',
        description: 'Same filters as the queue. contact=true adds 姓名/电话 (staff only) and is audited. Formula-like cells are prefixed with \'.',
        params: IdParams,
        querystring: ProposalExportQuery,
        response: fileResponse(['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'], '建议表 · The proposals, CSV (UTF-8) or XLSX'),
      },
    },
    async (req, reply) => {
      const file = await review.export(req.principal, req.params.id, req.query);
      return reply
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .header('cache-control', 'no-store')
        .type(file.contentType)
        .send(file.body);
    },
  );
  app.post(
    '/api/cycles/:id/proposals/actions',
    {
      config: { roles: STAFF },
      schema: {
        tags,
        summary: '审查操作（可批量）· Review action on one or many proposals',
        description:
          'review · reject (reason required, shown to the citizen) · reserve (储备库) · route (routedTo required) · reopen. ' +
          'All or nothing: 409 PROPOSAL_STATE lists proposals whose state forbids it (merged ones must be unmerged first).',
        params: IdParams,
        body: ProposalActionBody,
        response: { 200: ProposalActionResult },
      },
    },
    (req) => review.act(req.principal, req.params.id, req.body),
  );
  app.post(
    '/api/cycles/:id/proposals/merge',
    {
      config: { roles: STAFF },
      schema: {
        tags,
        summary: '合并建议入候选项目 · Merge proposals into a new or existing candidate draft',
        description:
          'candidateId (existing draft → status merged) or newCandidate (new draft → status accepted). Refused after the freeze ' +
          '(409 LIST_FROZEN) and for proposals merged elsewhere (409 PROPOSAL_MERGED_ELSEWHERE).',
        params: IdParams,
        body: MergeBody,
        response: { 200: MergeResult },
      },
    },
    (req) => review.merge(req.principal, req.params.id, req.body),
  );
  app.post(
    '/api/cycles/:id/proposals/unmerge',
    {
      config: { roles: STAFF },
      schema: {
        tags,
        summary: '撤销合并（候选项目确定前）· Undo merges before the list is fixed',
        description: 'Links are kept, marked undone; the proposals return to under_review.',
        params: IdParams,
        body: UnmergeBody,
        response: { 200: ProposalActionResult },
      },
    },
    (req) => review.unmerge(req.principal, req.params.id, req.body.proposalIds, req.body.reason),
  );
  app.get(
    '/api/proposals/:id',
    {
      config: { roles: REVIEWERS },
      schema: { tags, summary: '建议详情、处理记录与合并记录 · Proposal with history and links', params: IdParams, response: { 200: ProposalDetail } },
    },
    (req) => review.detail(req.principal, req.params.id),
  );
  app.patch(
    '/api/proposals/:id',
    { config: { roles: STAFF }, schema: { tags, summary: '修改建议内容或分类 · Correct a proposal', params: IdParams, body: UpdateProposalBody, response: { 200: ProposalDetail } } },
    (req) => review.update(req.principal, req.params.id, req.body),
  );
  app.get(
    '/api/candidates/:id/proposals',
    {
      config: { roles: REVIEWERS },
      schema: {
        tags,
        summary: '候选项目的来源建议 · Source proposals of a candidate',
        params: IdParams,
        querystring: CandidateSourcesQuery,
        response: { 200: CandidateSources },
      },
    },
    (req) => review.candidateProposals(req.params.id, req.query.includeUndone ?? false),
  );

  // ---------------------------------------------------------------- shortlist, freeze, reserve
  app.get(
    '/api/cycles/:id/shortlist',
    {
      config: { roles: READERS },
      schema: {
        tags,
        summary: '候选项目草案与差额检查 · Candidate drafts with sources and the 差额 check',
        params: IdParams,
        response: { 200: Shortlist },
      },
    },
    (req) => shortlist.shortlist(req.params.id),
  );
  app.post(
    '/api/cycles/:id/shortlist/freeze',
    {
      config: { roles: STAFF },
      schema: {
        tags,
        summary: '记录主任会议/主席团决定并确定候选项目 · Record the decision that fixes the list',
        description: 'Enforces the cycle’s 差额 range (409 SHORTLIST_RATIO), hashes the list and makes it immutable.',
        params: IdParams,
        body: FreezeShortlistBody,
        response: { 200: Shortlist },
      },
    },
    (req) => shortlist.freeze(req.principal, req.params.id, req.body),
  );
  app.get(
    '/api/cycles/:id/reserve',
    {
      config: { roles: REVIEWERS },
      schema: {
        tags,
        summary: '储备库：可转入下一年度的建议与未入选项目 · Reserve: items that can be carried over',
        params: IdParams,
        response: { 200: Reserve },
      },
    },
    (req) => carryOver.reserve(req.params.id),
  );
  app.post(
    '/api/cycles/:id/carry-over',
    {
      config: { roles: STAFF },
      schema: {
        tags,
        summary: '将储备建议/未入选项目转入本年度 · Carry reserved items into this cycle',
        description: ':id is the target cycle. Each item becomes a new proposal (channel carried) linked to its origin.',
        params: IdParams,
        body: CarryOverBody,
        response: { 200: CarryOverResult },
      },
    },
    (req) => carryOver.carryOver(req.principal, req.params.id, req.body),
  );
};
