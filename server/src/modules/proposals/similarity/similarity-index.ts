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
/**
 * Words in more than this share of the cycle (and more than COMMON_MIN proposals) find nobody in
 * particular: they do not bring candidates (they still count in scores; a shared place always does).
 */
const COMMON_SHARE = 0.02;
const COMMON_MIN = 100;

interface Doc {
  id: string;
  no: number;
  status: string;
  f: Features;
  fine: Set<string>;
  coarse: Set<string>;
  /** Concept ids (dense, per index) and whether each is in the title. */
  cids: Int32Array;
  inTitle: Uint8Array;
  /** Weights for the index generation `gen` (idf changes as proposals come and go). */
  w: Float64Array;
  norm: number;
  gen: number;
  /** Last query that took this doc as a candidate. */
  seen: number;
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
  readonly #conceptId = new Map<string, number>();
  readonly #conceptName: string[] = [];
  /** Per concept id: the docs using it. */
  readonly #byConcept: Set<Doc>[] = [];
  readonly #byPlace = new Map<string, Set<Doc>>();
  /**
   * Weights and idf are computed for a generation, bumped when the number of proposals has moved
   * by more than 1 % (or 10) since the last one: idf = ln(1 + N/df) hardly moves in between, and
   * re-weighing thousands of candidates after every submission is what a busy collection cannot
   * afford. A new word gets its idf when first used.
   */
  #gen = 1;
  #sizeAtGen = 0;
  /** Bumped by every change (what cached clusters depend on). */
  #version = 0;
  #idf = new Float64Array(0);
  #idfGen = new Int32Array(0);
  /** The query's weights by concept id, zero elsewhere (reset after each comparison round). */
  #q = new Float64Array(0);
  #stamp = 0;

  get size(): number {
    return this.#docs.size;
  }

  /** Changes whenever a proposal is added, changed or removed. */
  get generation(): number {
    return this.#version;
  }

  #changed(): void {
    this.#version++;
    if (Math.abs(this.#docs.size - this.#sizeAtGen) > Math.max(10, this.#sizeAtGen * 0.01)) {
      this.#gen++;
      this.#sizeAtGen = this.#docs.size;
    }
  }

  has(id: string): boolean {
    return this.#docs.has(id);
  }

  #cid(c: string): number {
    let id = this.#conceptId.get(c);
    if (id === undefined) {
      id = this.#conceptName.length;
      this.#conceptId.set(c, id);
      this.#conceptName.push(c);
      this.#byConcept.push(new Set());
    }
    return id;
  }

  upsert(id: string, no: number, status: string, f: Features): void {
    this.remove(id);
    const cids = Int32Array.from(f.concepts, (c) => this.#cid(c));
    const doc: Doc = {
      id,
      no,
      status,
      f,
      fine: new Set(f.places.filter((p) => p.fine).map((p) => p.key)),
      coarse: new Set(f.places.filter((p) => !p.fine).map((p) => p.key)),
      cids,
      inTitle: Uint8Array.from(f.concepts, (c) => (f.titleConcepts.has(c) ? 1 : 0)),
      w: new Float64Array(cids.length),
      norm: 0,
      gen: 0,
      seen: 0,
    };
    this.#docs.set(id, doc);
    for (const c of cids) this.#byConcept[c]!.add(doc);
    for (const k of doc.fine) this.#post(`f:${k}`, doc);
    for (const k of doc.coarse) this.#post(`c:${k}`, doc);
    this.#changed();
  }

  /** The proposals whose status is one of these. */
  openIds(statuses: ReadonlySet<string>): string[] {
    return [...this.#docs.values()].filter((d) => statuses.has(d.status)).map((d) => d.id);
  }

  remove(id: string): void {
    const d = this.#docs.get(id);
    if (!d) return;
    this.#docs.delete(id);
    for (const c of d.cids) this.#byConcept[c]!.delete(d);
    for (const k of d.fine) this.#unpost(`f:${k}`, d);
    for (const k of d.coarse) this.#unpost(`c:${k}`, d);
    this.#changed();
  }

  #post(k: string, d: Doc) {
    let s = this.#byPlace.get(k);
    if (!s) this.#byPlace.set(k, (s = new Set()));
    s.add(d);
  }

  #unpost(k: string, d: Doc) {
    const s = this.#byPlace.get(k);
    if (!s) return;
    s.delete(d);
    if (s.size === 0) this.#byPlace.delete(k);
  }

  #idfOf(c: number): number {
    if (this.#idf.length < this.#conceptName.length) {
      const n = Math.max(this.#conceptName.length, this.#idf.length * 2);
      const idf = new Float64Array(n);
      idf.set(this.#idf);
      const gen = new Int32Array(n);
      gen.set(this.#idfGen);
      this.#idf = idf;
      this.#idfGen = gen;
    }
    if (this.#idfGen[c] !== this.#gen) {
      this.#idf[c] = Math.log(1 + this.#docs.size / Math.max(1, this.#byConcept[c]!.size));
      this.#idfGen[c] = this.#gen;
    }
    return this.#idf[c]!;
  }

  /** Brings a doc's weights to the current generation. */
  #weigh(d: Doc): Doc {
    if (d.gen === this.#gen) return d;
    let norm = 0;
    for (let i = 0; i < d.cids.length; i++) {
      const v = this.#idfOf(d.cids[i]!) * (d.inTitle[i] ? TITLE_WEIGHT : 1);
      d.w[i] = v;
      norm += v * v;
    }
    d.norm = norm;
    d.gen = this.#gen;
    return d;
  }

  /** Loads a's weights into the dense query vector. */
  #load(a: Doc) {
    if (this.#q.length < this.#conceptName.length) this.#q = new Float64Array(Math.max(this.#conceptName.length, this.#q.length * 2));
    for (let i = 0; i < a.cids.length; i++) this.#q[a.cids[i]!] = a.w[i]!;
  }

  #unload(a: Doc) {
    for (const c of a.cids) this.#q[c] = 0;
  }

  /** Compares b with the loaded query a (the cheap part: no labels). */
  #score(a: Doc, b: Doc): Match {
    this.#weigh(b);
    let dot = 0;
    let titled = false;
    for (let i = 0; i < b.cids.length; i++) {
      const q = this.#q[b.cids[i]!]!;
      if (q !== 0) {
        dot += q * b.w[i]!;
        // What is asked is in the title: a duplicate shares a title word of one side or the other.
        if (b.inTitle[i] || a.f.titleConcepts.has(this.#conceptName[b.cids[i]!]!)) titled = true;
      }
    }
    const na = a.norm;
    const nb = b.norm;
    const cos = na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
    // The shorter text inside the longer one: a short title against a long letter.
    const inner = na > 0 && nb > 0 ? Math.min(1, dot / Math.min(na, nb)) : 0;
    const topic = (cos + inner) / 2;
    const place = placeRelation(a, b);
    const noPlaces = a.fine.size + a.coarse.size + b.fine.size + b.coarse.size === 0;
    const duplicate = titled && (place === 'same' ? topic >= (coarseOnly(a, b) ? DUPLICATE_TOPIC_COARSE : DUPLICATE_TOPIC) : noPlaces && topic >= DUPLICATE_TOPIC_COARSE);
    return {
      id: b.id,
      no: b.no,
      place,
      samePlaces: [],
      sharedTopics: [],
      topic: Math.round(topic * 1000) / 1000,
      duplicate,
      rank: topic + (place === 'same' ? (coarseOnly(a, b) ? COARSE_PLACE_LIFT : SAME_PLACE_LIFT) : place === 'other' ? OTHER_PLACE_DROP : 0),
    };
  }

  /** The words of a match: shared places as a writes them, shared request phrases in a's order. */
  #explain(a: Doc, b: Doc, m: Match): Match {
    m.samePlaces = m.place === 'same' ? a.f.places.filter((p) => (p.fine ? b.fine.has(p.key) : a.fine.size === 0 && b.coarse.has(p.key))).map((p) => p.label) : [];
    const inB = new Set(b.f.concepts);
    // Neighbours join into one phrase (老旧小区 + 加装 + 电梯); the heaviest two phrases.
    const runs: { text: string; weight: number }[] = [];
    let cur: { text: string; weight: number } | null = null;
    a.f.concepts.forEach((c, i) => {
      if (inB.has(c)) {
        cur ??= { text: '', weight: 0 };
        cur.text += c;
        cur.weight += a.w[i]!;
      } else if (cur) {
        runs.push(cur);
        cur = null;
      }
    });
    if (cur) runs.push(cur);
    m.sharedTopics = runs
      .sort((x, y) => y.weight - x.weight)
      .slice(0, 2)
      .map((r) => r.text);
    return m;
  }

  /**
   * Everyone sharing a request word with a that is not too common, or sharing a fine place and
   * any request word (a large place is intersected with a's words instead of read whole).
   * `placesOnly`: only the latter, and for a proposal without a fine place its rarer words
   * (what a flag can need: groups).
   */
  #candidates(a: Doc, visit: (b: Doc) => void, only?: ReadonlySet<string>, placesOnly = false): void {
    const stamp = ++this.#stamp;
    const common = Math.max(COMMON_MIN, this.#docs.size * COMMON_SHARE);
    const take = (b: Doc) => {
      if (b.seen === stamp || b === a || (only && !only.has(b.id))) return;
      b.seen = stamp;
      visit(b);
    };
    for (const k of a.fine) {
      const place = this.#byPlace.get(`f:${k}`);
      if (!place) continue;
      if (place.size <= common) for (const b of place) take(b);
      else {
        for (const c of a.cids) {
          const words = this.#byConcept[c]!;
          const [small, large] = words.size < place.size ? [words, place] : [place, words];
          for (const b of small) if (large.has(b)) take(b);
        }
      }
    }
    if (placesOnly && a.fine.size > 0) return;
    for (const c of a.cids) {
      const s = this.#byConcept[c]!;
      if (s.size <= common) for (const b of s) take(b);
    }
  }

  /** The proposals most like one, best first. */
  similar(id: string, limit: number): Match[] {
    const a = this.#docs.get(id);
    if (!a) return [];
    this.#weigh(a);
    this.#load(a);
    // Keep the best `limit` as they come (a sorted array: limit is small), scoring each
    // candidate without building its match object until it makes the list.
    const best: { rank: number; no: number; b: Doc }[] = [];
    try {
      this.#candidates(a, (b) => {
        const r = this.#rank(a, b);
        if (r === null) return;
        if (best.length === limit) {
          const last = best[limit - 1]!;
          if (r < last.rank || (r === last.rank && b.no > last.no)) return;
          best.pop();
        }
        let i = best.length;
        while (i > 0 && (best[i - 1]!.rank < r || (best[i - 1]!.rank === r && best[i - 1]!.no > b.no))) i--;
        best.splice(i, 0, { rank: r, no: b.no, b });
      });
      return best.map(({ b }) => this.#explain(a, b, this.#score(a, b)));
    } finally {
      this.#unload(a);
    }
  }

  /** The ranking value of b against the loaded a, or null when it shares neither words nor place. */
  #rank(a: Doc, b: Doc): number | null {
    this.#weigh(b);
    let dot = 0;
    for (let i = 0; i < b.cids.length; i++) dot += this.#q[b.cids[i]!]! * b.w[i]!;
    if (dot === 0) return null;
    const place = placeRelation(a, b);
    const na = a.norm;
    const nb = b.norm;
    const topic = na > 0 && nb > 0 ? (dot / Math.sqrt(na * nb) + Math.min(1, dot / Math.min(na, nb))) / 2 : 0;
    return topic + (place === 'same' ? (coarseOnly(a, b) ? COARSE_PLACE_LIFT : SAME_PLACE_LIFT) : place === 'other' ? OTHER_PLACE_DROP : 0);
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
      const a = this.#weigh(this.#docs.get(id)!);
      this.#load(a);
      try {
        this.#candidates(
          a,
          (b) => {
            if (b.id < id) return;
            const m = this.#score(a, b);
            if (!m.duplicate) return;
            pairs.push(this.#explain(a, b, m));
            const ra = find(id);
            const rb = find(b.id);
            if (ra !== rb) parent.set(ra, rb);
          },
          only,
          true,
        );
      } finally {
        this.#unload(a);
      }
    }
    const byRoot = new Map<string, string[]>();
    for (const id of only) {
      const r = find(id);
      byRoot.set(r, [...(byRoot.get(r) ?? []), id]);
    }
    const no = (x: string) => this.#docs.get(x)!.no;
    return [...byRoot.values()]
      .filter((g) => g.length > 1)
      .map((members) => {
        const set = new Set(members);
        return { members: members.sort((x, y) => no(x) - no(y)), pairs: pairs.filter((p) => set.has(p.id)) };
      })
      .sort((x, y) => y.members.length - x.members.length || no(x.members[0]!) - no(y.members[0]!));
  }
}
