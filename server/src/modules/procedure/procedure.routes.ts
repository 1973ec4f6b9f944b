import {
  AdoptVotingRulesBody,
  Counter,
  DeputyScrutiny,
  DraftVotingRulesBody,
  IdParams,
  Poll,
  PendingPresidiumDecisions,
  PresidiumDecisionBody,
  PresidiumDecisionParams,
  PresidiumMembers,
  PresidiumSignatureBody,
  ScrutinyList,
  SetScrutinyBody,
  VotingRules,
} from '@piaojue/shared';
import { Type } from 'typebox';
import { requireDeputy } from '../../auth/guard.ts';
import type { RoutesPlugin } from '../../lib/routes.ts';

const READERS = ['staff', 'presidium', 'scrutineer'] as const;

export const procedureRoutes: RoutesPlugin = async (app, { services }) => {
  const { scrutiny, votingRules, pollViews, presidium } = services;
  const tags = ['procedure'];

  app.get(
    '/api/sessions/:id/voting-rules',
    { config: { roles: READERS }, schema: { tags, summary: '票决办法（草案、修改历史、通过情况）· The voting rules', params: IdParams, response: { 200: VotingRules } } },
    (req) => votingRules.get(req.params.id),
  );
  app.post(
    '/api/sessions/:id/voting-rules/drafts',
    {
      config: { roles: ['staff'] },
      schema: { tags, summary: '按年度设置生成或修改票决办法草案 · Draft or amend the voting rules', params: IdParams, body: DraftVotingRulesBody, response: { 200: VotingRules } },
    },
    (req) => votingRules.draft(req.principal, req.params.id, req.body),
  );
  app.post(
    '/api/sessions/:id/voting-rules/adopt',
    {
      config: { roles: ['staff'] },
      schema: { tags, summary: '登记大会通过票决办法和监票人名单 · Record the adoption', params: IdParams, body: AdoptVotingRulesBody, response: { 200: VotingRules } },
    },
    (req) => votingRules.adopt(req.principal, req.params.id, req.body),
  );

  app.get(
    '/api/sessions/:id/scrutiny',
    { config: { roles: READERS }, schema: { tags, summary: '监票人、总监票人和计票人 · Scrutineers and tellers', params: IdParams, response: { 200: ScrutinyList } } },
    (req) => scrutiny.get(req.params.id),
  );
  app.put(
    '/api/sessions/:id/scrutiny',
    {
      config: { roles: ['staff'] },
      schema: { tags, summary: '设定监票人名单和计票人 · Set the scrutineers and tellers', params: IdParams, body: SetScrutinyBody, response: { 200: ScrutinyList } },
    },
    (req) => scrutiny.set(req.principal, req.params.id, req.body),
  );
  app.get(
    '/api/sessions/:id/scrutiny/staff',
    { config: { roles: ['staff'] }, schema: { tags, summary: '可担任计票人的工作人员账号 · Staff accounts that may be tellers', params: IdParams, response: { 200: Type.Array(Counter) } } },
    (req) => scrutiny.staffAccounts(req.params.id),
  );
  app.get(
    '/api/deputy/scrutiny',
    { config: { roles: ['deputy'] }, schema: { tags: ['deputy'], summary: '本人是否为监票人 · The deputy’s role in the count', response: { 200: DeputyScrutiny } } },
    (req) => scrutiny.mine(requireDeputy(req).deputy),
  );
  app.post(
    '/api/polls/:id/confirm',
    { config: { roles: ['deputy'] }, schema: { tags: ['polls'], summary: '监票人在平板上确认计票 · A scrutineer confirms the count on their tablet', params: IdParams, response: { 200: Poll } } },
    async (req) => {
      await scrutiny.confirm(requireDeputy(req).deputy, req.params.id);
      return pollViews.get(req.principal, req.params.id);
    },
  );

  app.get(
    '/api/presidium/members',
    { config: { roles: ['staff', 'presidium'] }, schema: { tags, summary: '本级人大主席团成员 · Presidium members of the account’s congress', response: { 200: PresidiumMembers } } },
    (req) => presidium.members(req.principal),
  );
  app.get(
    '/api/polls/:id/presidium-members',
    {
      config: { roles: ['staff', 'presidium'] },
      schema: { tags: ['polls'], summary: '可签署本表决决定的主席团成员 · Presidium members who may sign for this poll', params: IdParams, response: { 200: PresidiumMembers } },
    },
    (req) => presidium.members(req.principal, req.params.id),
  );
  app.post(
    '/api/polls/:id/presidium-decisions',
    {
      config: { roles: ['presidium'] },
      schema: {
        tags: ['polls'],
        summary: '登记主席团决定（确认、退回或决定并列项目）· Record a presidium decision (certify, return, decide a tie)',
        params: IdParams,
        body: PresidiumDecisionBody,
        response: { 200: Poll },
      },
    },
    (req) => presidium.decide(req.principal, req.params.id, req.body),
  );
  app.get(
    '/api/presidium/decisions/pending',
    {
      config: { roles: ['staff', 'presidium'] },
      schema: { tags, summary: '待签署的主席团决定 · Presidium decisions awaiting signatures', response: { 200: PendingPresidiumDecisions } },
    },
    (req) => presidium.pending(req.principal),
  );
  app.post(
    '/api/polls/:id/presidium-decisions/:decisionId/signatures',
    {
      config: { roles: ['presidium'] },
      schema: {
        tags: ['polls'],
        summary: '主席团成员以本人账号签署或拒签决定 · A presidium member signs or declines a decision on their own account',
        params: PresidiumDecisionParams,
        body: PresidiumSignatureBody,
        response: { 200: Poll },
      },
    },
    (req) => presidium.answer(req.principal, req.params.id, req.params.decisionId, req.body.answer),
  );
  app.post(
    '/api/polls/:id/presidium-decisions/:decisionId/withdraw',
    {
      config: { roles: ['presidium'] },
      schema: {
        tags: ['polls'],
        summary: '登记人撤回待签署的主席团决定 · The recorder withdraws a pending presidium decision',
        params: PresidiumDecisionParams,
        response: { 200: Poll },
      },
    },
    (req) => presidium.withdraw(req.principal, req.params.id, req.params.decisionId),
  );
};
