import type { DbOrTx } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { rectificationsOf } from './rectification.service.ts';
import { compute, latestRatings, toChange, toMilestone, toReport, type Bundle } from './tracking.mappers.ts';
import { trackingRepository as repo, type ProjectRecord } from './tracking.repository.ts';

// The read side: a whole list of projects loaded in a few queries, then shaped by the mappers.

export type AttachmentScope = 'none' | 'public' | 'all';

export async function loadBundles(db: DbOrTx, projects: ProjectRecord[], attachments: AttachmentScope): Promise<Bundle[]> {
  const ids = projects.map((p) => p.id);
  const candidateIds = projects.map((p) => p.candidate_id);
  const [milestones, reports, changes, files, monitors, ratingPolls] = await Promise.all([
    repo.milestones(db, ids),
    repo.reports(db, ids),
    repo.changes(db, ids),
    attachments === 'none' ? Promise.resolve([]) : repo.attachmentsMeta(db, ids, attachments === 'public'),
    repo.monitors(db, ids),
    repo.finalRatingPolls(db, candidateIds),
  ]);
  const ratings = latestRatings(ratingPolls, candidateIds);
  return projects.map((p) => ({
    p,
    milestones: milestones.filter((m) => m.project_id === p.id),
    reports: reports.filter((r) => r.project_id === p.id),
    changes: changes.filter((c) => c.project_id === p.id),
    attachments: files.filter((a) => a.project_id === p.id),
    monitors: monitors.filter((m) => m.project_id === p.id),
    rating: ratings.get(p.candidate_id) ?? null,
  }));
}

export async function loadBundle(db: DbOrTx, id: string, attachments: AttachmentScope): Promise<Bundle> {
  const p = await repo.project(db, id);
  if (!p) throw new AppError('NOT_FOUND');
  return (await loadBundles(db, [p], attachments))[0]!;
}

/** What the console and the public page both show of one project on `asOf`. */
export async function projectDetail(db: DbOrTx, b: Bundle, asOf: string) {
  const c = compute(b, asOf);
  const rectifications = (await rectificationsOf(db, [b.p.id])).get(b.p.id) ?? [];
  const inForce = b.p.plan_published_at !== null;
  return {
    id: b.p.id,
    candidateId: b.p.candidate_id,
    cycle: { id: b.p.cycle_id, name: b.p.cycle_name, year: b.p.cycle_year },
    name: b.p.name,
    content: b.p.content,
    location: b.p.location,
    category: b.p.category,
    selection: { pollId: b.p.poll_id, certifiedAt: b.p.selected_at?.toISOString() ?? null },
    asOf,
    state: c.state,
    status: c.status,
    percent: c.percent,
    milestones: b.milestones.map((m) => toMilestone(m, c.status, inForce, asOf)),
    progress: b.reports.map((r) => toReport(r, b)),
    changes: b.changes.map((c) => toChange(c, b.p.cycle_level)),
    rating: b.rating,
    rectifications,
  };
}
