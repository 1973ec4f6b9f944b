import type { ChangeBody, ChangeDiff, ChangeKind, TrackingPlan, TrackingState } from '@piaojue/shared';
import { AppError } from '../../lib/errors.ts';
import type { MilestoneRec } from './tracking.mappers.ts';

// What a decision (常委会决定) may do to a project, and the record of what it changed.

const ALLOWED: Record<ChangeKind, TrackingState[]> = { modify: ['active', 'paused'], pause: ['active'], cancel: ['active', 'paused'], resume: ['paused'] };
const AFTER: Record<ChangeKind, TrackingState | null> = { modify: null, pause: 'paused', cancel: 'cancelled', resume: 'active' };

/** The state a decision leaves the project in; PROJECT_STATE when the decision does not apply. */
export function stateAfter(kind: ChangeKind, state: TrackingState): TrackingState {
  if (!ALLOWED[kind].includes(state)) throw new AppError('PROJECT_STATE', { state, kind });
  return AFTER[kind] ?? state;
}

const PLAN_COLUMNS = [
  ['department', 'department'],
  ['targets', 'targets'],
  ['fundingWan', 'funding_wan'],
  ['fundingSource', 'funding_source'],
  ['measures', 'measures'],
  ['deadline', 'deadline'],
] as const;

/** The plan fields a decision really changes: their before/after record and the columns to write. */
export function planChanges(cur: TrackingPlan, plan: NonNullable<ChangeBody['plan']>): { diff: ChangeDiff[]; patch: Record<string, unknown> } {
  const diff: ChangeDiff[] = [];
  const patch: Record<string, unknown> = {};
  for (const [key, column] of PLAN_COLUMNS) {
    const next = plan[key];
    if (next === undefined) continue;
    const after = key === 'department' && typeof next === 'string' ? next.trim() : next;
    if (after === cur[key]) continue;
    diff.push({ field: key, before: cur[key] === null ? null : String(cur[key]), after: after === null ? null : String(after) });
    patch[column] = after;
  }
  return { diff, patch };
}

const milestoneLabel = (m: { title: string; dueDate: string }) => `${m.title}（${m.dueDate}）`;

/**
 * The before/after record of a decision's milestone edits. Only milestones of this project that
 * are not yet reached may be edited or removed: a reached one is history.
 */
export function milestoneChanges(ops: NonNullable<ChangeBody['milestones']>, current: ReadonlyMap<string, MilestoneRec>): ChangeDiff[] {
  for (const id of [...(ops.update ?? []).map((x) => x.id), ...(ops.remove ?? [])]) {
    const m = current.get(id);
    if (!m) throw new AppError('VALIDATION', { field: 'milestones', reason: 'not a milestone of this project', milestoneId: id });
    if (m.reached_on !== null) throw new AppError('VALIDATION', { field: 'milestones', reason: 'a reached milestone is history and stays as it is', milestoneId: id });
  }
  const diff: ChangeDiff[] = [];
  for (const m of ops.add ?? []) diff.push({ field: 'milestone', before: null, after: milestoneLabel({ title: m.title.trim(), dueDate: m.dueDate }) });
  for (const u of ops.update ?? []) {
    const m = current.get(u.id)!;
    const before = { title: m.title, dueDate: m.due_date };
    const after = { title: u.title?.trim() ?? m.title, dueDate: u.dueDate ?? m.due_date };
    diff.push({ field: 'milestone', before: milestoneLabel(before), after: milestoneLabel(after) });
  }
  for (const id of ops.remove ?? []) {
    const m = current.get(id)!;
    diff.push({ field: 'milestone', before: milestoneLabel({ title: m.title, dueDate: m.due_date }), after: null });
  }
  return diff;
}
