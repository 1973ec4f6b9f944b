import { DuplicateGroups, IdParams, LexiconBody, LexiconEntry, LexiconList, Ok, SimilarProposals, SimilarQuery } from '@piaojue/shared';
import type { RoutesPlugin } from '../../../lib/routes.ts';
import { REVIEWERS, STAFF } from '../proposals.routes.ts';

export const similarityRoutes: RoutesPlugin = async (app, { services }) => {
  const { similarity } = services;
  const tags = ['proposals'];
  app.get(
    '/api/proposals/:id/similar',
    {
      config: { roles: REVIEWERS },
      schema: {
        tags,
        summary: '相似建议（可能重复）· Most similar proposals of the cycle',
        description:
          'Words (jieba + the lexicon’s synonyms) and places compared separately: same-place matches first, the same request at another place last. ' +
          'duplicate = 可能重复 (same place, request alike above the threshold measured by pnpm eval:similar); samePlaces and sharedTopics word the reason.',
        params: IdParams,
        querystring: SimilarQuery,
        response: { 200: SimilarProposals },
      },
    },
    (req) => similarity.similar(req.params.id, req.query.limit ?? 10),
  );
  app.get(
    '/api/cycles/:id/proposals/duplicate-groups',
    {
      config: { roles: REVIEWERS },
      schema: {
        tags,
        summary: '疑似重复组 · Clusters of likely duplicates among the proposals still to decide',
        description: 'Proposals flagged 可能重复 with each other (transitively), among those 收到 or 审查中. Merge a group with POST /api/cycles/:id/proposals/merge.',
        params: IdParams,
        response: { 200: DuplicateGroups },
      },
    },
    (req) => similarity.groups(req.params.id),
  );
  app.get(
    '/api/similarity/lexicon',
    { config: { roles: STAFF }, schema: { tags, summary: '查重词表 · Synonyms, places, words and stop words in force', response: { 200: LexiconList } } },
    () => similarity.lexicon(),
  );
  app.post(
    '/api/similarity/lexicon',
    {
      config: { roles: STAFF },
      schema: { tags, summary: '添加查重词条 · Add a lexicon entry', description: 'synonym: two or more words separated by spaces, the name first.', body: LexiconBody, response: { 200: LexiconEntry } },
    },
    (req) => similarity.addEntry(req.principal, req.body),
  );
  app.delete(
    '/api/similarity/lexicon/:id',
    { config: { roles: STAFF }, schema: { tags, summary: '删除查重词条 · Remove a lexicon entry', params: IdParams, response: { 200: Ok } } },
    (req) => similarity.removeEntry(req.principal, req.params.id),
  );
};
