import {
  CeremonyCommitment, CeremonyConfirmBody, CeremonySharesBody, CeremonyStatus, CeremonyTranscript, IdParams, Nullable, SessionKey, StartCeremonyBody,
} from '@piaojue/shared';
import type { FastifyRequest } from 'fastify';
import { requireDeputy } from '../../auth/guard.ts';
import { AppError } from '../../lib/errors.ts';
import type { RoutesPlugin } from '../../lib/routes.ts';

// An administrator passes the role check everywhere; refuse before the body is read, so a
// non-deputy learns nothing from validation errors.
const deputyOnly = async (req: FastifyRequest) => void requireDeputy(req);

export const ceremonyRoutes: RoutesPlugin = async (app, { services }) => {
  const { ceremony } = services;
  const tags = ['ceremony'];

  app.post(
    '/api/sessions/:id/ceremony',
    { config: { roles: ['staff'] }, schema: { tags, summary: '开始监票人密钥生成 · Start the scrutineers’ key ceremony', params: IdParams, body: StartCeremonyBody, response: { 200: CeremonyStatus } } },
    (req) => ceremony.start(req.principal, req.params.id, req.body),
  );
  app.get(
    '/api/sessions/:id/ceremony',
    {
      config: { roles: ['staff', 'presidium', 'scrutineer', 'deputy'] },
      schema: { tags, summary: '密钥生成进度 · Key ceremony progress', params: IdParams, response: { 200: Nullable(CeremonyStatus) } },
    },
    (req) => {
      // A deputy follows the ceremony of their own session only.
      if (req.principal.kind === 'deputy' && req.principal.deputy.sessionId !== req.params.id) throw new AppError('FORBIDDEN');
      return ceremony.status(req.params.id);
    },
  );
  // Public: the key and the transcript are what anyone checks the count against.
  app.get(
    '/api/sessions/:id/ceremony/key',
    { config: { roles: ['public'] }, schema: { tags, summary: '本次会议的加密公钥及指纹 · The session’s joint public key and fingerprint', params: IdParams, response: { 200: SessionKey } } },
    (req) => ceremony.key(req.params.id),
  );
  app.get(
    '/api/sessions/:id/ceremony/transcript',
    { config: { roles: ['public'] }, schema: { tags, summary: '密钥生成的公开记录 · The key ceremony’s public transcript', params: IdParams, response: { 200: CeremonyTranscript } } },
    (req) => ceremony.transcript(req.params.id),
  );
  // The 监票人 on their own tablets: the session is the deputy's own.
  app.post(
    '/api/deputy/ceremony/commitment',
    { config: { roles: ['deputy'] }, preValidation: deputyOnly, schema: { tags: ['deputy'], summary: '监票人提交承诺及证明（第一步）· A scrutineer’s commitments and proofs (round 1)', body: CeremonyCommitment, response: { 200: CeremonyStatus } } },
    (req) => ceremony.commit(requireDeputy(req).deputy, req.body),
  );
  app.post(
    '/api/deputy/ceremony/shares',
    { config: { roles: ['deputy'] }, preValidation: deputyOnly, schema: { tags: ['deputy'], summary: '监票人提交密封份额（第二步）· A scrutineer’s sealed shares (round 2)', body: CeremonySharesBody, response: { 200: CeremonyStatus } } },
    (req) => ceremony.share(requireDeputy(req).deputy, req.body),
  );
  app.post(
    '/api/deputy/ceremony/confirmation',
    { config: { roles: ['deputy'] }, preValidation: deputyOnly, schema: { tags: ['deputy'], summary: '监票人确认所收份额（第三步）· A scrutineer confirms the shares received (round 3)', body: CeremonyConfirmBody, response: { 200: CeremonyStatus } } },
    (req) => ceremony.confirm(requireDeputy(req).deputy, req.body),
  );
};
