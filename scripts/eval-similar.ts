// Measures duplicate detection on the labelled set (tests/fixtures/similar-set.json, written by
// scripts/similar-set.ts) with the server's own analyzer, seed lexicon and index:
//
//   pnpm eval:similar            # human summary, then one JSON line; exit 1 if a target is missed
//   pnpm eval:similar --sweep    # also flag precision/recall for other thresholds
//   pnpm eval:similar --holdout  # the second family of writers (tests/fixtures/similar-holdout.json)
//
// Ranking: for every ordered pair (q, d) of one group, d's rank in q's list among proposals
// that are not q's duplicates (other duplicates above d do not count against it).
// recall@k = share of pairs with rank ≤ k; MRR = mean 1/rank (0 past 100).
// Flag: over all unordered pairs, precision = flagged pairs that are duplicates / flagged;
// recall = flagged duplicate pairs / duplicate pairs. Other place: pairs with the same request
// at different places (labelled), share flagged.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Analyzer } from '../server/src/modules/proposals/similarity/analyzer.ts';
import { seedEntries, toLexicon } from '../server/src/modules/proposals/similarity/lexicon.ts';
import { SimilarityIndex, type Match } from '../server/src/modules/proposals/similarity/similarity-index.ts';
import type { LabelledProposal } from './similar-set.ts';

const TARGETS = { recall5Reworded: 0.9, flagPrecision: 0.8, otherPlaceFlagged: 0.1 };
const sweep = process.argv.includes('--sweep');
const holdout = process.argv.includes('--holdout');
const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'tests', 'fixtures', holdout ? 'similar-holdout.json' : 'similar-set.json');
const set = JSON.parse(fs.readFileSync(file, 'utf8')) as { proposals: LabelledProposal[] };
const ps = set.proposals;

const t0 = performance.now();
const analyzer = new Analyzer(toLexicon(seedEntries()));
// What a cycle knows: its districts (from the 征集公告), not the neighbourhoods.
analyzer.addPlaces({ districts: [...new Set(ps.map((p) => p.district).filter(Boolean))], places: [] });
const index = new SimilarityIndex();
ps.forEach((p, i) => index.upsert(p.id, i + 1, 'received', analyzer.analyze(p)));
const tIndex = performance.now() - t0;

const byId = new Map(ps.map((p) => [p.id, p]));
const dup = (a: LabelledProposal, b: LabelledProposal) => a.group !== null && a.group === b.group;

// ---- ranking
type Kind = 'reworded' | 'exact';
const ranks: Record<Kind, number[]> = { reworded: [], exact: [] };
const lists = new Map<string, Match[]>();
let topOtherPlace = 0;
let queries = 0;
const t1 = performance.now();
for (const q of ps) {
  const list = index.similar(q.id, 100);
  lists.set(q.id, list);
  if (q.group === null) continue;
  queries++;
  const top = list[0] && byId.get(list[0].id)!;
  if (top && top.topic === q.topic && top.place !== q.place && !dup(q, top)) topOtherPlace++;
  let nonDup = 0;
  const rankOf = new Map<string, number>();
  for (const m of list) {
    const d = byId.get(m.id)!;
    if (dup(q, d)) rankOf.set(d.id, nonDup + 1);
    else nonDup++;
  }
  for (const d of ps) {
    if (d.id === q.id || !dup(q, d)) continue;
    const kind: Kind = q.kind === 'exact' || d.kind === 'exact' ? 'exact' : 'reworded';
    ranks[kind].push(rankOf.get(d.id) ?? Infinity);
  }
}
const tQuery = (performance.now() - t1) / ps.length;
const recall = (r: number[], k: number) => r.filter((x) => x <= k).length / Math.max(1, r.length);
const mrr = (r: number[]) => r.reduce((s, x) => s + (Number.isFinite(x) ? 1 / x : 0), 0) / Math.max(1, r.length);

// ---- flag, over all unordered pairs (the index compares only candidates; others are unflagged)
interface Pair {
  a: LabelledProposal;
  b: LabelledProposal;
  m: Match;
}
const pairs: Pair[] = [];
for (const a of ps) for (const m of lists.get(a.id)!) if (a.id < m.id) pairs.push({ a, b: byId.get(m.id)!, m });
let dupPairs = 0;
let otherPlacePairs = 0;
for (let i = 0; i < ps.length; i++)
  for (let j = i + 1; j < ps.length; j++) {
    const a = ps[i]!;
    const b = ps[j]!;
    if (dup(a, b)) dupPairs++;
    else if (a.topic === b.topic && a.place && b.place && a.place !== b.place) otherPlacePairs++;
  }
const flagStats = (flag: (p: Pair) => boolean) => {
  const flagged = pairs.filter(flag);
  const tp = flagged.filter((p) => dup(p.a, p.b)).length;
  const other = flagged.filter((p) => !dup(p.a, p.b) && p.a.topic === p.b.topic && p.a.place && p.b.place && p.a.place !== p.b.place).length;
  return { flagged: flagged.length, precision: flagged.length ? tp / flagged.length : 1, recall: tp / Math.max(1, dupPairs), otherPlace: other / Math.max(1, otherPlacePairs) };
};
const flag = flagStats((p) => p.m.duplicate);
const falseFlags = pairs.filter((p) => p.m.duplicate && !dup(p.a, p.b));

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const all = [...ranks.reworded, ...ranks.exact];
const result = {
  proposals: ps.length,
  groups: new Set(ps.map((p) => p.group).filter(Boolean)).size,
  pairs_reworded: ranks.reworded.length,
  pairs_exact: ranks.exact.length,
  recall_at_1: r3(recall(ranks.reworded, 1)),
  recall_at_5: r3(recall(ranks.reworded, 5)),
  recall_at_10: r3(recall(ranks.reworded, 10)),
  mrr: r3(mrr(ranks.reworded)),
  exact_recall_at_1: r3(recall(ranks.exact, 1)),
  all_recall_at_5: r3(recall(all, 5)),
  all_mrr: r3(mrr(all)),
  flag_precision: r3(flag.precision),
  flag_recall: r3(flag.recall),
  flagged_pairs: flag.flagged,
  other_place_pairs: otherPlacePairs,
  other_place_flagged: r3(flag.otherPlace),
  top1_same_request_other_place: r3(topOtherPlace / Math.max(1, queries)),
  index_ms: Math.round(tIndex),
  query_ms: r3(tQuery),
};

console.log(`labelled set: ${result.proposals} proposals, ${result.groups} duplicate groups; ${result.pairs_reworded} reworded and ${result.pairs_exact} exact duplicate pairs (ordered)`);
console.log(`reworded duplicates: recall@1 ${result.recall_at_1}  recall@5 ${result.recall_at_5}  recall@10 ${result.recall_at_10}  MRR ${result.mrr}`);
console.log(`exact copies:        recall@1 ${result.exact_recall_at_1}`);
console.log(`可能重复 flag:       precision ${result.flag_precision}  recall ${result.flag_recall}  (${result.flagged_pairs} pairs flagged)`);
console.log(`same request, other place: ${result.other_place_flagged} of ${result.other_place_pairs} pairs flagged; top suggestion is one for ${result.top1_same_request_other_place} of queries`);
if (falseFlags.length) {
  console.log('false flags (first 10):');
  for (const p of falseFlags.slice(0, 10)) console.log(`  ${p.a.title} ~ ${p.b.title}  [${p.m.place} ${p.m.samePlaces.join('/')} | ${p.m.sharedTopics.join('、')} | ${p.m.topic}]`);
}
if (sweep) {
  for (const t of [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7]) {
    const s = flagStats((p) => p.m.place === 'same' && p.m.topic >= t);
    console.log(`  same place, topic ≥ ${t}: precision ${r3(s.precision)} recall ${r3(s.recall)} flagged ${s.flagged}`);
  }
  const missed = ps.flatMap((q) => (q.group === null ? [] : ps.filter((d) => d.id !== q.id && dup(q, d) && !(lists.get(q.id) ?? []).slice(0, 5).some((m) => m.id === d.id)).map((d) => [q, d] as const)));
  console.log(`missed at 5 (first 15 of ${missed.length}):`);
  for (const [q, d] of missed.slice(0, 15)) {
    const m = (lists.get(q.id) ?? []).find((x) => x.id === d.id);
    console.log(`  ${q.title} → ${d.title}  ${m ? `[${m.place} ${m.topic}]` : '[not listed]'}; top: ${lists.get(q.id)?.[0] ? byId.get(lists.get(q.id)![0]!.id)!.title : '-'}`);
  }
}
const ok = result.recall_at_5 >= TARGETS.recall5Reworded && result.flag_precision >= TARGETS.flagPrecision && result.other_place_flagged < TARGETS.otherPlaceFlagged;
console.log(ok ? 'targets met' : `TARGETS MISSED: ${JSON.stringify(TARGETS)}`);
console.log(JSON.stringify({ ...result, targets_met: ok }));
process.exit(ok ? 0 : 1);
