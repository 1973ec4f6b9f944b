import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Level } from '@piaojue/shared';
import type { Db, DbOrTx } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import type { Principal } from '../auth/auth.service.ts';
import { unitsRepository as repo, type ScopedKind } from './units.repository.ts';

/** The congress an account works for: e.g. { level: 'township', name: '某镇人大' }. */
export interface Unit {
  level: Level;
  name: string;
}

/** Null for an account of the whole installation (it sees every congress). */
export async function unitOf(db: DbOrTx, p: Principal): Promise<Unit | null> {
  if (p.kind !== 'user') return null;
  const row = await repo.userUnit(db, p.user.id);
  return row?.unit_level && row.unit_name ? { level: row.unit_level, name: row.unit_name } : null;
}

/** Whether a session belongs to the account's own congress (for what is not a route: sockets). */
export async function sessionInScope(db: Db, p: Principal, sessionId: string): Promise<boolean> {
  const unit = await unitOf(db, p);
  if (unit === null) return true;
  return (await repo.cyclesOf(db, 'session', [sessionId])).every((c) => ownCycle(unit, c));
}

/** A congress as given in a request, its name trimmed; a name of blanks is refused. */
export function givenUnit(u: Unit | null | undefined): Unit | null {
  if (!u) return null;
  const name = u.name.trim();
  if (name === '') throw new AppError('VALIDATION', { field: 'unit.name', reason: 'name the congress' });
  return { level: u.level, name };
}

export const sameUnit = (a: Unit, b: Unit): boolean => a.level === b.level && a.name === b.name;

/** Whether a cycle of `level` run by `unitName` is the account's own. */
export const ownCycle = (unit: Unit | null, c: { level: string; unit_name: string | null }): boolean => unit === null || (c.level === unit.level && c.unit_name === unit.name);

// What the `:id` of a route names, by the path before it; every /api route with an id is here.
const BY_PATH: [string, ScopedKind][] = [
  ['/api/cycles/:id', 'cycle'],
  ['/api/sessions/:id', 'session'],
  ['/api/polls/:id', 'poll'],
  ['/api/candidates/:id', 'candidate'],
  ['/api/tracking/projects/:id', 'project'],
  ['/api/tracking/milestones/:id', 'milestone'],
  ['/api/tracking/attachments/:id', 'attachment'],
  ['/api/rectifications/:id', 'rectification'],
  ['/api/supervision/opinions/:id', 'opinion'],
  ['/api/proposals/:id', 'proposal'],
  ['/api/collection-points/:id', 'point'],
  ['/api/deputies/:id', 'deputy'],
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Ids in a body that name something of a cycle.
const BODY_KEYS: [string, ScopedKind][] = [
  ['cycleId', 'cycle'],
  ['candidateId', 'candidate'],
  ['candidateIds', 'candidate'],
  ['projectId', 'project'],
  ['proposalIds', 'proposal'],
  ['ratingPollId', 'poll'],
  ['reratingOf', 'poll'],
];

/** The kind a route's `:id` names, or null for routes that name no cycle's thing. */
export function scopedKind(url: string): ScopedKind | null {
  if (url.startsWith('/api/public/')) return null;
  for (const [prefix, kind] of BY_PATH) if (url === prefix || url.startsWith(`${prefix}/`)) return kind;
  return null;
}

/**
 * Accounts belong to a congress (level + unit): they see and change only its cycles, on every
 * route. An id of another congress's cycle reads as not found, so nothing leaks that it exists.
 * Lists (cycles, sessions) are filtered where they are built.
 */
export const unitScopePlugin = fp(async (app: FastifyInstance, opts: { db: Db }) => {
  // Before validation, so that a refusal does not depend on the rest of the body; ids that are
  // not UUIDs are left for the route's own validation to refuse.
  app.addHook('preValidation', async (req: FastifyRequest) => {
    const url = req.routeOptions.url;
    if (!url?.startsWith('/api/') || url.startsWith('/api/public/') || req.principal.kind !== 'user') return;
    const kind = scopedKind(url);
    const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    const wanted: [ScopedKind, string[]][] = [];
    const id = (req.params as { id?: unknown } | undefined)?.id;
    if (kind && typeof id === 'string' && UUID.test(id)) wanted.push([kind, [id]]);
    for (const [key, k] of BODY_KEYS) {
      const v = body[key];
      const ids = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && UUID.test(x));
      if (ids.length) wanted.push([k, ids]);
    }
    if (wanted.length === 0 && !(url === '/api/cycles' && req.method === 'POST')) return;
    const unit = await unitOf(opts.db, req.principal);
    if (unit === null) return;
    if (url === '/api/cycles' && req.method === 'POST' && body.level !== unit.level) throw new AppError('FORBIDDEN', { reason: 'a congress creates cycles of its own level', level: unit.level });
    for (const [k, ids] of wanted) {
      const cycles = await repo.cyclesOf(opts.db, k, ids);
      if (cycles.some((c) => !ownCycle(unit, c))) throw new AppError('NOT_FOUND');
    }
  });
});
