import { DecryptionTask, IdParams, PartialDecryptionBody, Poll, PollCryptoContext } from '@piaojue/shared';
import type { FastifyRequest } from 'fastify';
import { requireDeputy } from '../../auth/guard.ts';
import type { RoutesPlugin } from '../../lib/routes.ts';

// An administrator passes the role check everywhere; refuse before the body is read.
const deputyOnly = async (req: FastifyRequest) => void requireDeputy(req);

/** The tablets' side of encrypted polls (docs/CRYPTO.md §"Polls"): the key to encrypt under, and the 监票人's 解密. */
export const encryptedPollsRoutes: RoutesPlugin = async (app, { services }) => {
  const { casts, decryption } = services;
  const tags = ['deputy'];

  app.get(
    '/api/deputy/polls/:id/crypto',
    { config: { roles: ['deputy'] }, preValidation: deputyOnly, schema: { tags, summary: '加密表决的公钥与参数 · What a tablet encrypts a ballot under', params: IdParams, response: { 200: PollCryptoContext } } },
    (req) => casts.contexts.forTablet(requireDeputy(req).deputy, req.params.id),
  );
  app.get(
    '/api/deputy/polls/:id/decryption',
    { config: { roles: ['deputy'] }, preValidation: deputyOnly, schema: { tags, summary: '监票人解密：待解密的密文和 · A scrutineer’s decryption task', params: IdParams, response: { 200: DecryptionTask } } },
    (req) => decryption.task(requireDeputy(req).deputy, req.params.id),
  );
  app.post(
    '/api/deputy/polls/:id/decryption',
    {
      config: { roles: ['deputy'] },
      preValidation: deputyOnly,
      bodyLimit: 1024 * 1024,
      schema: { tags, summary: '监票人提交解密份额及证明 · A scrutineer’s partial decryption with its proofs', params: IdParams, body: PartialDecryptionBody, response: { 200: Poll } },
    },
    (req) => decryption.submit(requireDeputy(req).deputy, req.params.id, req.body),
  );
};
