/**
 * The in-memory index of one cycle's proposals for duplicate detection: inverted lists of
 * request words (synonym groups) and of places, idf weights from the cycle itself, and the
 * pair score. Pure: the service fills it from the database and keeps it fresh.
 */
import type { PlaceRelation } from '@piaojue/shared';
import type { Features } from './analyzer.ts';

/**
 * The calibrated flag (可能重复): two proposals at the same place whose requests share at least
 * this weighted share of words. Chosen with `pnpm eval:similar --sweep` (see BENCHMARKS.md): on
 * the labelled set 0.30 gives precision 0.95 / recall 0.75 and 0.35 gives 0.96 / 0.56; 0.35
 * keeps a margin for sets written by other people.
 */
export const DUPLICATE_TOPIC = 0.35;
/** Neither names a 小区, village or road (only a district, or nothing): the request must be this alike. */
export const DUPLICATE_TOPIC_COARSE = 0.9;
/** Words of the title say what is asked; they weigh more than the story around it. */
const TITLE_WEIGHT = 1.6;
/** Ranking: a shared place lifts a match, another place sinks it below every same-place one. */
const SAME_PLACE_LIFT = 1;
const OTHER_PLACE_DROP = -1;
/** The same district or town only: a little above not knowing. */
const COARSE_PLACE_LIFT = 0.25;
/** Words in more than this share of the cycle find nobody in particular (they still count in scores). */
const COMMON_SHARE = 0.2;

interface Doc {
  id: string;
  no: number;
  status: string;
  f: Features;
  fine: Set<string>;
  coarse: Set<string>;
}

export interface Match {
  id: string;
  no: number;
  place: PlaceRelation;
  samePlaces: string[];
  sharedTopics: string[];
  topic: number;
  duplicate: boolean;
  /** Orders the list: topic, lifted by a shared place and sunk by another one. */
  rank: number;
}

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}

/** Same place, another place, or cannot tell (see PlaceRelation). */
export function placeRelation(a: { fine: ReadonlySet<string>; coarse: ReadonlySet<string> }, b: { fine: ReadonlySet<string>; coarse: ReadonlySet<string> }): PlaceRelation {
  if (a.coarse.size > 0 && b.coarse.size > 0 && !intersects(a.coarse, b.coarse)) return 'other';
  if (a.fine.size > 0 && b.fine.size > 0) return intersects(a.fine, b.fine) ? 'same' : 'other';
  if (a.fine.size === 0 && b.fine.size === 0 && a.coarse.size > 0 && b.coarse.size > 0) return 'same';
  return 'unknown';
}

/** Same place by districts or towns alone: a district holds many 小区, so the request must be closer. */
function coarseOnly(a: Doc, b: Doc): boolean {
  return a.fine.size === 0 && b.fine.size === 0;
}

export class SimilarityIndex {
  readonly #docs = new Map<string, Doc>();
  readonly #byConcept = new Map<string, Set<string>>();
  readonly #byPlace = new Map<string, Set<string>>();

  get size(): number {
    return this.#docs.size;
  }

  has(id: string): boolean {
    return this.#docs.has(id);
  }

  upsert(id: string, no: number, status: string, f: Features): void {
    this.remove(id);
    const doc: Doc = {
      id,
      no,
      status,
      f,
      fine: new Set(f.places.filter((p) => p.fine).map((p) => p.key)),
      coarse: new Set(f.places.filter((p) => !p.fine).map((p) => p.key)),
    };
    this.#docs.set(id, doc);
    for (const c of f.concepts) this.#post(this.#byConcept, c, id);
    for (const k of doc.fine) this.#post(this.#byPlace, `f:${k}`, id);
    for (const k of doc.coarse) this.#post(this.#byPlace, `c:${k}`, id);
  }

  /** A status change does not change the text: only the status is updated. */
  setStatus(id: string, status: string): void {
    const d = this.#docs.get(id);
    if (d) d.status = status;
  }

  remove(id: string): void {
    const d = this.#docs.get(id);
    if (!d) return;
    this.#docs.delete(id);
    for (const c of d.f.concepts) this.#unpost(this.#byConcept, c, id);
    for (const k of d.fine) this.#unpost(this.#byPlace, `f:${k}`, id);
    for (const k of d.coarse) this.#unpost(this.#byPlace, `c:${k}`, id);
  }

  #post(m: Map<string, Set<string>>, k: string, id: string) {
    let s = m.get(k);
    if (!s) m.set(k, (s = new Set()));
    s.add(id);
  }

  #unpost(m: Map<string, Set<string>>, k: string, id: string) {
    const s = m.get(k);
    if (!s) return;
    s.delete(id);
    if (s.size === 0) m.delete(k);
  }

  #idf(c: string): number {
    const df = this.#byConcept.get(c)?.size ?? 1;
    return Math.log(1 + this.#docs.size / df);
  }

  #weights(d: Doc): Map<string, number> {
    const w = new Map<string, number>();
    for (const c of d.f.concepts) w.set(c, this.#idf(c) * (d.f.titleConcepts.has(c) ? TITLE_WEIGHT : 1));
    return w;
  }

  /** Compares two indexed proposals, worded from a's side. */
  #compare(a: Doc, wa: Map<string, number>, na: number, b: Doc): Match {
    const wb = this.#weights(b);
    let nb = 0;
    for (const v of wb.values()) nb += v * v;
    let dot = 0;
    for (const [c, v] of wa) {
      const u = wb.get(c);
      if (u !== undefined) dot += v * u;
    }
    const cos = na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
    // The shorter text inside the longer one: a short title against a long letter.
    const inner = na > 0 && nb > 0 ? Math.min(1, dot / Math.min(na, nb)) : 0;
    const topic = (cos + inner) / 2;
    const place = placeRelation(a, b);
    const samePlaces = place === 'same' ? a.f.places.filter((p) => (p.fine ? b.fine.has(p.key) : a.fine.size === 0 && b.coarse.has(p.key))).map((p) => p.label) : [];
    const noPlaces = a.fine.size + a.coarse.size + b.fine.size + b.coarse.size === 0;
    const duplicate = place === 'same' ? topic >= (coarseOnly(a, b) ? DUPLICATE_TOPIC_COARSE : DUPLICATE_TOPIC) : noPlaces && topic >= DUPLICATE_TOPIC_COARSE;
    return {
      id: b.id,
      no: b.no,
      place,
      samePlaces,
      sharedTopics: dot > 0 ? this.#sharedLabels(a, wa, wb) : [],
      topic: Math.round(topic * 1000) / 1000,
      duplicate,
      rank: topic + (place === 'same' ? (coarseOnly(a, b) ? COARSE_PLACE_LIFT : SAME_PLACE_LIFT) : place === 'other' ? OTHER_PLACE_DROP : 0),
    };
  }

  /** Shared request words in a's order; neighbours join into one phrase (老旧小区 + 加装 + 电梯). Heaviest two phrases. */
  #sharedLabels(a: Doc, wa: Map<string, number>, wb: Map<string, number>): string[] {
    const runs: { text: string; weight: number }[] = [];
    let cur: { text: string; weight: number } | null = null;
    for (const c of a.f.concepts) {
      if (wb.has(c)) {
        cur ??= { text: '', weight: 0 };
        cur.text += c;
        cur.weight += wa.get(c)!;
      } else if (cur) {
        runs.push(cur);
        cur = null;
      }
    }
    if (cur) runs.push(cur);
    return runs
      .sort((x, y) => y.weight - x.weight)
      .slice(0, 2)
      .map((r) => r.text);
  }

  #norm(w: Map<string, number>): number {
    let n = 0;
    for (const v of w.values()) n += v * v;
    return n;
  }

  /** Everyone sharing a place or a not-too-common request word with the doc. */
  #candidates(a: Doc, only?: ReadonlySet<string>): Set<string> {
    const out = new Set<string>();
    const common = Math.max(20, this.#docs.size * COMMON_SHARE);
    const take = (s: Set<string> | undefined) => {
      if (!s) return;
      for (const id of s) if (id !== a.id && (!only || only.has(id))) out.add(id);
    };
    for (const k of a.fine) take(this.#byPlace.get(`f:${k}`));
    for (const c of a.f.concepts) {
      const s = this.#byConcept.get(c);
      if (s && s.size <= common) take(s);
    }
    return out;
  }

  /** The proposals most like one, best first. */
  similar(id: string, limit: number): Match[] {
    const a = this.#docs.get(id);
    if (!a) return [];
    const wa = this.#weights(a);
    const na = this.#norm(wa);
    const out: Match[] = [];
    for (const other of this.#candidates(a)) {
      const m = this.#compare(a, wa, na, this.#docs.get(other)!);
      if (m.topic > 0 || m.place === 'same') out.push(m);
    }
    out.sort((x, y) => y.rank - x.rank || x.no - y.no);
    return out.slice(0, limit);
  }

  /**
   * Clusters of flagged pairs among the given proposals (those still to decide): each proposal
   * with every other it is flagged against, transitively. Groups of two or more, largest first.
   */
  groups(ids: Iterable<string>): { members: string[]; pairs: Match[] }[] {
    const only = new Set([...ids].filter((id) => this.#docs.has(id)));
    const parent = new Map<string, string>();
    const find = (x: string): string => {
      let r = x;
      while (parent.get(r) !== r) r = parent.get(r)!;
      parent.set(x, r);
      return r;
    };
    for (const id of only) parent.set(id, id);
    const pairs: Match[] = [];
    for (const id of only) {
      const a = this.#docs.get(id)!;
      const wa = this.#weights(a);
      const na = this.#norm(wa);
      for (const other of this.#candidates(a, only)) {
        if (other < id) continue;
        const m = this.#compare(a, wa, na, this.#docs.get(other)!);
        if (!m.duplicate) continue;
        pairs.push(m);
            const ra = find(id);
        const rb = find(other);
        if (ra !== rb) parent.set(ra, rb);
      }
    }
    const byRoot = new Map<string, string[]>();
    for (const id of only) {
      const r = find(id);
      byRoot.set(r, [...(byRoot.get(r) ?? []), id]);
    }
    const groups = [...byRoot.values()].filter((g) => g.length > 1);
    return groups
      .map((members) => {
        const set = new Set(members);
        const no = (x: string) => this.#docs.get(x)!.no;
        return { members: members.sort((x, y) => no(x) - no(y)), pairs: pairs.filter((p) => set.has(p.id)) };
      })
      .sort((x, y) => y.members.length - x.members.length || this.#docs.get(x.members[0]!)!.no - this.#docs.get(y.members[0]!)!.no);
  }
}
