import { IdParams, PaperConfirmBody, PaperEntryBody, PaperForm, PaperIssueBody, PaperModeBody, PaperReview, PaperState } from '@piaojue/shared';
import { requireDeputy } from '../../auth/guard.ts';
import type { RoutesPlugin } from '../../lib/routes.ts';

const READERS = ['staff', 'presidium', 'scrutineer'] as const;

export const paperRoutes: RoutesPlugin = async (app, { services }) => {
  const { paper } = services;
  const tags = ['paper'];

  app.get('/api/polls/:id/paper', { config: { roles: READERS }, schema: { tags, summary: '纸质表决票与计票录入 · Paper ballots and entries', params: IdParams, response: { 200: PaperState } } }, (req) =>
    paper.state(req.params.id),
  );
  app.get('/api/polls/:id/paper/ballot', { config: { roles: READERS }, schema: { tags, summary: '打印表决票 · The printed 表决票', params: IdParams, response: { 200: PaperForm } } }, (req) =>
    paper.ballot(req.params.id),
  );
  app.put(
    '/api/polls/:id/paper/mode',
    { config: { roles: ['staff'] }, schema: { tags, summary: '整场使用纸质表决票 · Whole poll on paper', params: IdParams, body: PaperModeBody, response: { 200: PaperState } } },
    (req) => paper.setWhole(req.principal, req.params.id, req.body.whole),
  );
  app.post(
    '/api/polls/:id/paper/deputies',
    { config: { roles: ['staff'] }, schema: { tags, summary: '改发纸质表决票 · Issue a paper ballot to a deputy', params: IdParams, body: PaperIssueBody, response: { 200: PaperState } } },
    (req) => paper.issue(req.principal, req.params.id, req.body.deputyId),
  );
  app.post(
    '/api/polls/:id/paper/entries',
    { config: { roles: ['staff'] }, schema: { tags, summary: '计票人录入纸质计票结果 · A teller enters the paper count', params: IdParams, body: PaperEntryBody, response: { 200: PaperState } } },
    (req) => paper.enter(req.principal, req.params.id, req.body.figures),
  );
  app.put(
    '/api/polls/:id/paper/entries/mine',
    { config: { roles: ['staff'] }, schema: { tags, summary: '计票人修改本人录入 · A teller amends their entry', params: IdParams, body: PaperEntryBody, response: { 200: PaperState } } },
    (req) => paper.amend(req.principal, req.params.id, req.body.figures),
  );
  app.get('/api/polls/:id/paper/review', { config: { roles: ['deputy'] }, schema: { tags, summary: '总监票人核对 · The chief scrutineer reviews', params: IdParams, response: { 200: PaperReview } } }, (req) =>
    paper.review(requireDeputy(req).deputy, req.params.id),
  );
  app.post(
    '/api/polls/:id/paper/confirm',
    { config: { roles: ['deputy'] }, schema: { tags, summary: '总监票人确认纸质计票结果 · The chief scrutineer confirms', params: IdParams, body: PaperConfirmBody, response: { 200: PaperReview } } },
    (req) => paper.confirm(requireDeputy(req).deputy, req.params.id, req.body.figuresHash),
  );
};
