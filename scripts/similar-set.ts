// Writes the labelled duplicate set that `pnpm eval:similar` measures on:
//
//   tsx scripts/similar-set.ts            # → tests/fixtures/similar-set.json
//
// Deterministic (seeded). Groups of the same request at the same place written by different
// people (reworded), some exact copies, the same request at other places (hard negatives,
// many at places whose names overlap: 春江苑 / 春江西苑), proposals without a place, and
// singletons. Each proposal names its group, or null.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOLDOUT_TOPICS } from './similar-holdout-topics.ts';
import { FILLERS, NEIGHBOURS, PLACES, TOPICS as FIRST_TOPICS, type Topic } from './similar-set-topics.ts';

// `--holdout`: the second family of writers, written to tests/fixtures/similar-holdout.json.
const holdout = process.argv.includes('--holdout');
const TOPICS = holdout ? HOLDOUT_TOPICS : FIRST_TOPICS;

export interface LabelledProposal {
  id: string;
  title: string;
  content: string;
  location: string;
  district: string;
  area: string;
  topic: string;
  /** The place as labelled ('' when the writer named none). */
  place: string;
  /** Same request at the same place = same group. */
  group: string | null;
  kind: 'reworded' | 'exact' | 'negative' | 'single' | 'placeless';
  style: number;
}

let seed = holdout ? 20280301 : 20271215;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
function shuffle<T>(xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const out: LabelledProposal[] = [];
const used = new Set<string>();
let n = 0;
const district = (place: string) => PLACES.find((p) => p.name === place)?.district ?? '';

function write(topic: Topic, style: number, place: string, extra: Partial<LabelledProposal>): LabelledProposal {
  const w = topic.writings[style]!;
  const filler = pick(FILLERS);
  // Half the writers also fill the form's location field; the district comes from the form.
  const p: LabelledProposal = {
    id: `p${String(++n).padStart(3, '0')}`,
    title: w.title.replaceAll('{P}', place),
    content: w.content.replaceAll('{P}', place) + filler,
    location: rand() < 0.5 ? place : '',
    district: rand() < 0.7 ? district(place) : '',
    area: topic.area,
    topic: topic.id,
    place,
    group: null,
    kind: 'single',
    style,
    ...extra,
  };
  out.push(p);
  return p;
}

// Duplicate groups, each with its hard negatives: the same request at a neighbouring place.
let g = 0;
for (const topic of TOPICS) {
  const places = shuffle(PLACES.map((p) => p.name).filter((p) => !used.has(`${topic.id}@${p}`))).slice(0, 3);
  for (const place of places) {
    const key = `${topic.id}@${place}`;
    if (used.has(key)) continue;
    used.add(key);
    const group = `g${String(++g).padStart(2, '0')}`;
    const size = Math.min(topic.writings.length, 2 + (rand() < 0.45 ? 1 : 0) + (rand() < 0.2 ? 1 : 0));
    const styles = shuffle(topic.writings.map((_, i) => i)).slice(0, size);
    const members = styles.map((s) => write(topic, s, place, { group, kind: 'reworded' }));
    if (rand() < 0.25) {
      // An exact copy: the same text sent twice, once with other spacing and punctuation.
      const first = members[0]!;
      out.push({ ...first, id: `p${String(++n).padStart(3, '0')}`, title: ` ${first.title} `, content: first.content.replace(/，/g, ',').replace(/。/g, '. '), kind: 'exact' });
    }
    const neighbour = NEIGHBOURS.find(([a, b]) => a === place || b === place);
    const others = neighbour ? [neighbour[0] === place ? neighbour[1] : neighbour[0]] : [];
    if (rand() < 0.6) others.push(pick(PLACES.filter((p) => p.name !== place && !others.includes(p.name))).name);
    for (const other of others) {
      if (used.has(`${topic.id}@${other}`)) continue;
      used.add(`${topic.id}@${other}`);
      // Often the very same sentence as a member, with only the place changed.
      write(topic, rand() < 0.6 ? styles[0]! : pick(topic.writings.map((_, i) => i)), other, { kind: 'negative' });
    }
  }
}

// Singletons: other requests at other places.
for (let i = 0; i < 400 && out.length < (holdout ? 300 : 520); i++) {
  const topic = pick(TOPICS);
  const place = pick(PLACES).name;
  if (used.has(`${topic.id}@${place}`)) continue;
  used.add(`${topic.id}@${place}`);
  write(topic, Math.floor(rand() * topic.writings.length), place, {});
}

// No place at all: written from home (我们小区 …); labelled alone, since nobody can tell where.
for (const topic of shuffle(TOPICS)) {
  const p = write(topic, Math.floor(rand() * topic.writings.length), pick(['我们小区', '我家附近', '我们村', '这里']), { kind: 'placeless' });
  p.place = '';
  p.location = '';
  p.district = rand() < 0.5 ? pick(PLACES).district : '';
}

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'tests', 'fixtures', holdout ? 'similar-holdout.json' : 'similar-set.json');
fs.writeFileSync(file, `${JSON.stringify({ note: 'Generated by scripts/similar-set.ts; labels: group = same request at the same place.', proposals: out }, null, 1)}\n`);
const groups = new Set(out.map((p) => p.group).filter(Boolean));
console.log(`${out.length} proposals, ${groups.size} duplicate groups, ${out.filter((p) => p.kind === 'exact').length} exact copies, ${out.filter((p) => p.kind === 'negative').length} same request elsewhere → ${file}`);
