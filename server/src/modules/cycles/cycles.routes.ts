import {
  Candidate,
  CreateCandidateBody,
  CreateCycleBody,
  Cycle,
  IdParams,
  Ok,
  ReorderBody,
  UpdateCandidateBody,
  UpdateCycleBody,
} from '@piaojue/shared';
import { Type } from 'typebox';
import type { RoutesPlugin } from '../../lib/routes.ts';

const STAFF = ['staff'] as const;
const READERS = ['staff', 'presidium', 'scrutineer'] as const;

export const cyclesRoutes: RoutesPlugin = async (app, { services }) => {
  const { cycles } = services;
  const tags = ['cycles'];

  app.get('/api/cycles', { config: { roles: READERS }, schema: { summary: '年度票决列表 · Cycles', tags, response: { 200: Type.Array(Cycle) } } }, (req) => cycles.list(req.principal));
  app.post('/api/cycles', { config: { roles: STAFF }, schema: { tags, summary: '新建年度票决 · New cycle', body: CreateCycleBody, response: { 200: Cycle } } }, (req) =>
    cycles.create(req.principal, req.body),
  );
  app.get('/api/cycles/:id', { config: { roles: READERS }, schema: { summary: '年度票决 · A cycle', tags, params: IdParams, response: { 200: Cycle } } }, (req) => cycles.get(req.params.id));
  app.patch('/api/cycles/:id', { config: { roles: STAFF }, schema: { summary: '修改年度票决 · Edit a cycle', tags, params: IdParams, body: UpdateCycleBody, response: { 200: Cycle } } }, (req) =>
    cycles.update(req.principal, req.params.id, req.body),
  );
  app.get('/api/cycles/:id/candidates', { config: { roles: READERS }, schema: { summary: '候选项目 · Candidates of a cycle', tags, params: IdParams, response: { 200: Type.Array(Candidate) } } }, (req) =>
    cycles.candidates(req.params.id),
  );
  app.post(
    '/api/cycles/:id/candidates',
    { config: { roles: STAFF }, schema: { summary: '新增候选项目 · Add a candidate', tags, params: IdParams, body: CreateCandidateBody, response: { 200: Candidate } } },
    (req) => cycles.addCandidate(req.principal, req.params.id, req.body),
  );
  app.post(
    '/api/cycles/:id/candidates/reorder',
    { config: { roles: STAFF }, schema: { summary: '调整候选项目顺序 · Reorder candidates', tags, params: IdParams, body: ReorderBody, response: { 200: Type.Array(Candidate) } } },
    (req) => cycles.reorder(req.principal, req.params.id, req.body.ids),
  );
  app.patch(
    '/api/candidates/:id',
    { config: { roles: STAFF }, schema: { summary: '修改候选项目 · Edit a candidate', tags, params: IdParams, body: UpdateCandidateBody, response: { 200: Candidate } } },
    (req) => cycles.updateCandidate(req.principal, req.params.id, req.body),
  );
  app.delete('/api/candidates/:id', { config: { roles: STAFF }, schema: { summary: '删除候选项目 · Delete a candidate', tags, params: IdParams, response: { 200: Ok } } }, async (req) => {
    await cycles.deleteCandidate(req.principal, req.params.id);
    return { ok: true as const };
  });
};
