/**
 * Duplicate detection for staff: the proposals most like one (相似建议, each with 可能重复 and
 * its reason), the 疑似重复组 of a cycle's queue, and the lexicon staff keep. The index of a
 * cycle lives in memory, is built on first use and re-reads only the proposals changed since
 * (proposals.updated_at), so every server instance answers from the database's current state.
 */
import type { DuplicateGroups, LexiconBody, LexiconEntry, SimilarProposal } from '@piaojue/shared';
import type { Db } from '../../../db/database.ts';
import { AppError } from '../../../lib/errors.ts';
import { appendAudit } from '../../audit/audit.service.ts';
import { actorOf, type Principal } from '../../auth/auth.service.ts';
import { proposalsRepository } from '../proposals.repository.ts';
import { toSummary } from '../proposals.mappers.ts';
import { Analyzer } from './analyzer.ts';
import { normalizeEntry, seedEntries, toLexicon } from './lexicon.ts';
import { SimilarityIndex } from './similarity-index.ts';
import { similarityRepository as repo } from './similarity.repository.ts';

/** Statuses still to decide: what the 疑似重复组 view clusters. */
const OPEN = new Set(['received', 'under_review']);
/** Rows whose transaction committed late may carry an earlier updated_at: re-read this far back. */
const LATE_COMMIT_MS = 5_000;

interface CycleIndex {
  analyzer: Analyzer;
  /** The gazetteer's version (districts, collection points) the index was built with. */
  places: string;
  index: SimilarityIndex;
  n: number;
  at: Date | null;
  /** updated_at (ms) of each proposal as indexed. */
  seen: Map<string, number>;
  groups?: { gen: number; found: ReturnType<SimilarityIndex['groups']> };
}

type LexiconRow = Awaited<ReturnType<typeof repo.activeEntries>>[number];
const toEntry = (r: LexiconRow): LexiconEntry => ({
  id: r.id,
  kind: r.kind,
  value: r.value,
  origin: r.origin,
  createdAt: r.created_at.toISOString(),
  createdBy: r.created_by,
});

export class SimilarityService {
  #seeded = false;
  #lexicon: { version: string; analyzer: Analyzer } | null = null;
  readonly #cycles = new Map<string, CycleIndex>();
  /** One refresh at a time per cycle; concurrent requests wait for it. */
  readonly #refreshing = new Map<string, Promise<CycleIndex>>();

  constructor(private readonly db: Db) {}

  async #analyzer(version: string): Promise<Analyzer> {
    if (this.#lexicon?.version !== version) {
      const rows = await repo.activeEntries(this.db);
      this.#lexicon = { version, analyzer: new Analyzer(toLexicon(rows.map((r) => ({ kind: r.kind, value: r.value })))) };
    }
    return this.#lexicon.analyzer;
  }

  /**
   * The seed goes in once per process (a no-op when it is there): at start-up (app.ts), so that a
   * read never writes, and again before the first read should start-up not have done it.
   */
  async seedLexicon(): Promise<void> {
    if (this.#seeded) return;
    await repo.seed(this.db, seedEntries());
    this.#seeded = true;
  }

  /** The current index of the cycle of a proposal, or of a cycle; null when there is no such thing. */
  async #index(by: { proposalId: string } | { cycleId: string }): Promise<CycleIndex | null> {
    await this.seedLexicon();
    const state = await repo.state(this.db, by);
    if (!state) return null;
    const cycleId = state.cycle_id;
    const running = this.#refreshing.get(cycleId);
    if (running) return running;
    const p = this.#refresh(cycleId, state).finally(() => this.#refreshing.delete(cycleId));
    this.#refreshing.set(cycleId, p);
    return p;
  }

  async #refresh(cycleId: string, v: { n: number; at: Date | null; places: string; lexicon: string }): Promise<CycleIndex> {
    const analyzer = await this.#analyzer(v.lexicon);
    const cur = this.#cycles.get(cycleId);
    const same = cur && cur.analyzer === analyzer && cur.places === v.places;
    if (same && cur.n === v.n && cur.at?.getTime() === v.at?.getTime()) return cur;
    // Proposals are never deleted while a cycle lives; fewer rows means a restored database: rebuild.
    const incremental = same && cur.n <= v.n && cur.at;
    let entry: CycleIndex;
    if (incremental) entry = cur;
    else {
      const g = await repo.gazetteer(this.db, cycleId);
      analyzer.addPlaces({ districts: g.districts, places: [] });
      // A collection point is named after where it is (春江街道代表联络站): its places join the gazetteer.
      for (const pt of g.points) {
        const places = analyzer.analyze({ title: pt.name, content: pt.address }).places;
        analyzer.addPlaces({ districts: places.filter((x) => !x.fine).map((x) => x.label), places: places.filter((x) => x.fine).map((x) => x.label) });
      }
      entry = { analyzer, places: v.places, index: new SimilarityIndex(), n: 0, at: null, seen: new Map() };
    }
    const since = incremental ? new Date(cur.at!.getTime() - LATE_COMMIT_MS) : null;
    for (const r of await repo.rows(this.db, cycleId, since)) {
      // Rows re-read for the late-commit margin but unchanged are not analysed again.
      if (entry.seen.get(r.id) === r.updated_at.getTime()) continue;
      entry.seen.set(r.id, r.updated_at.getTime());
      entry.index.upsert(r.id, Number(r.no), r.status, analyzer.analyze(r));
    }
    entry.n = v.n;
    entry.at = v.at;
    this.#cycles.set(cycleId, entry);
    return entry;
  }

  /** The proposals of its cycle most like this one, best first (same place before other places). */
  async similar(id: string, limit = 10): Promise<SimilarProposal[]> {
    const entry = await this.#index({ proposalId: id });
    if (!entry) throw new AppError('NOT_FOUND');
    const hits = entry.index.similar(id, limit);
    const byId = new Map((await proposalsRepository.summariesByIds(this.db, hits.map((h) => h.id))).map((r) => [r.id, toSummary(r)]));
    return hits
      .filter((h) => byId.has(h.id))
      .map((h) => ({ proposal: byId.get(h.id)!, place: h.place, samePlaces: h.samePlaces, sharedTopics: h.sharedTopics, topic: h.topic, duplicate: h.duplicate }));
  }

  /** 疑似重复组: clusters of flagged proposals among those still to decide. */
  async groups(cycleId: string): Promise<DuplicateGroups> {
    const entry = await this.#index({ cycleId });
    if (!entry) throw new AppError('NOT_FOUND');
    const open = entry.index.openIds(OPEN);
    // Every change to a proposal (a merge too) moves the generation: until then the clusters hold.
    if (entry.groups?.gen !== entry.index.generation) entry.groups = { gen: entry.index.generation, found: entry.index.groups(open) };
    const found = entry.groups.found;
    const byId = new Map((await proposalsRepository.summariesByIds(this.db, found.flatMap((g) => g.members))).map((r) => [r.id, toSummary(r)]));
    return {
      scanned: open.length,
      groups: found.map((g) => {
        const places = mostCommon(g.pairs.flatMap((p) => p.samePlaces));
        // A phrase inside a more common one says nothing new (爬楼 beside 老人爬楼).
        const topics = mostCommon(g.pairs.flatMap((p) => p.sharedTopics)).reduce<string[]>((kept, x) => (kept.some((k) => k.includes(x) || x.includes(k)) ? kept : [...kept, x]), []);
        const members = g.members.filter((id) => byId.has(id)).map((id) => byId.get(id)!);
        return {
          key: String(members[0]?.no ?? ''),
          places: places.slice(0, 3),
          topics: topics.slice(0, 3),
          suggestedName: `${places[0] ?? ''}${topics[0] ?? members[0]?.title ?? ''}`.slice(0, 100),
          proposals: members,
        };
      }),
    };
  }

  // ---------------------------------------------------------------- lexicon

  async lexicon(): Promise<LexiconEntry[]> {
    await this.seedLexicon();
    return (await repo.activeEntries(this.db)).map(toEntry);
  }

  async addEntry(actor: Principal, b: LexiconBody): Promise<LexiconEntry> {
    const value = normalizeEntry(b.kind, b.value);
    if (!value) throw new AppError('VALIDATION', { field: 'value', reason: 'empty' }, { zh: '请填写词语', en: 'value: give a word' });
    if (b.kind === 'synonym' && value.split(' ').length < 2) {
      throw new AppError('VALIDATION', { field: 'value', reason: 'a synonym group needs two words or more' }, { zh: '同义词组至少需要两个词，用空格分隔', en: 'value: a synonym group needs two words or more, separated by spaces' });
    }
    await this.seedLexicon();
    const by = actorOf(actor);
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.add(trx, { kind: b.kind, value }, by);
      if (!row) throw new AppError('LEXICON_ENTRY_EXISTS', { kind: b.kind, value });
      await appendAudit(trx, { actor: by, action: 'similarity.lexicon_added', subject: `lexicon:${row.id}`, details: { kind: row.kind, value: row.value } });
      return toEntry(row);
    });
  }

  async removeEntry(actor: Principal, id: string): Promise<{ ok: true }> {
    const by = actorOf(actor);
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.remove(trx, id, by);
      if (!row) throw new AppError('NOT_FOUND');
      await appendAudit(trx, { actor: by, action: 'similarity.lexicon_removed', subject: `lexicon:${row.id}`, details: { kind: row.kind, value: row.value } });
      return { ok: true as const };
    });
  }
}

function mostCommon(xs: string[]): string[] {
  const n = new Map<string, number>();
  for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1);
  return [...n.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([x]) => x);
}
