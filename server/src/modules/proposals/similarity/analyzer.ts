/**
 * Turns a proposal's text into what duplicate detection compares: the places it names and the
 * request it makes (words mapped to synonym groups). Words come from jieba (@node-rs/jieba)
 * with this domain's user dictionary; places from name patterns (…小区, …村, …路, …苑 …), the
 * gazetteer (staff's place list, the cycle's districts and collection points) and jieba's
 * place tags.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import type { Lexicon } from './lexicon.ts';

/** A place named in a proposal. Fine: a 小区, village, road, river. Coarse: a district, town or 街道. */
export interface Place {
  /** What matches: the name without a trailing generic type word (柳湾村 → 柳湾; 春江苑 stays). */
  key: string;
  /** As written, for the worded reason. */
  label: string;
  fine: boolean;
}

export interface Features {
  places: Place[];
  /** Synonym-group ids (a group's first word, or the word itself) in order of first use. */
  concepts: string[];
  /** Concepts that occur in the title (they say what the proposal is about). */
  titleConcepts: Set<string>;
}

export interface AnalyzerInput {
  title: string;
  content: string;
  reason?: string;
  location?: string;
  district?: string;
}

/** Name endings that make a place; longest first so 佳苑 wins over 苑. */
const FINE_SUFFIXES = ['佳苑', '花园', '新村', '家园', '华庭', '雅居', '人家', '山庄', '小区', '社区', '公寓', '大道', '河道', '村', '路', '街', '巷', '苑', '园', '庭', '府', '邸', '湾', '城', '院', '河'];
const COARSE_SUFFIXES = ['开发区', '新区', '街道', '区', '县', '市', '镇', '乡'];
/** Dropped from the key, so a village, its 社区 and its river match (柳湾村 = 柳湾河道 = 柳湾). Never 苑/园/花园: they belong to the name (春江苑 ≠ 春江). */
const GENERIC_TYPES = ['村委会', '居委会', '小区', '社区', '街道', '河道', '村', '河', '镇', '乡'];
/** Words that end like a place but are not one. */
const NOT_PLACES = new Set([
  '农村', '乡村', '城市', '全市', '全区', '全县', '本村', '本区', '该村', '郊区', '城区', '市区', '辖区', '园区', '景区', '街区',
  '校园', '家园', '花园', '公园', '菜园', '果园', '庄园', '乐园', '游园', '田园', '小区', '社区', '老街', '商业街', '步行街',
  '马路', '道路', '公路', '小路', '土路', '泥路', '山路', '水路', '线路', '思路', '出路', '走路', '过路', '修路', '上路',
  '夜路', '走夜路', '赶路', '让路', '大路', '弯路', '岔路', '近路', '远路', '铁路', '电路', '套路', '一路', '半路', '来路', '去路', '问路', '带路', '开路', '堵路', '挡路',
  '小河', '河', '江河', '运河', '护城河', '大街', '家庭', '法庭', '医院', '法院', '学院', '影院', '庭院', '院', '进城', '县城', '城', '政府', '港湾', '海湾', '上街', '逛街', '临街', '沿街', '满街', '当街', '整个村', '附近村',
]);
/** Words before a bare ending that mean "a 小区/村" rather than name one (老旧小区, 我们村, 附近路). */
const NOT_NAME_WORDS = new Set(['利用', '推动', '位于', '家住', '住在', '推进', '加快', '支持', '帮助', '关于', '针对', '对于', '给予', '实现', '协调', '那条', '这条', '一条', '这片', '那片', '一片', '旁边', '老旧', '老', '旧', '新', '新建', '本', '该', '各', '每个', '这个', '那个', '我们', '我', '你们', '他们', '周边', '附近', '全', '城中', '整个', '几个', '一些', '其他', '多个', '所在', '安置', '农村', '城市', '居民', '大型', '小型', '高档', '普通', '商品房', '周围', '隔壁', '对面', '门前', '主要', '部分']);
/** jieba tags that never start or continue a name: preposition, pronoun, adverb, conjunction, particles, numerals, measure words, direction words. */
const NON_NAME_TAGS = new Set(['p', 'r', 'd', 'c', 'u', 'uj', 'ul', 'uz', 'ug', 'uv', 'ud', 'y', 'e', 'o', 'w', 'm', 'q', 'f']);
/** Tags that cannot carry a request word on their own. */
const NON_TOPIC_TAGS = new Set(['p', 'r', 'c', 'u', 'uj', 'ul', 'uz', 'ug', 'uv', 'ud', 'y', 'e', 'o', 'w', 'm', 'q', 'mq', 'f', 't', 'zg']);
/** Verbs that start road names (建设路, 解放路); any other verb before 路 is not a name (上学路). */
const ROAD_VERBS = new Set(['解放', '建设', '发展', '振兴', '胜利', '团结', '前进', '创业', '迎宾', '复兴', '育才', '兴业', '跃进', '开发', '开放', '友谊', '和平', '光明', '新华', '联合', '健康', '文明', '民主', '工农', '红旗']);
/** jieba's tags for names (places, persons, others) and for words it found itself. */
const PROPER_TAGS = new Set(['ns', 'nr', 'nz', 'nrt', 'nt', 'x']);
const CJK_OR_ALNUM = /[\p{Script=Han}\p{L}\p{N}]/u;

function endsWithAny(word: string, suffixes: readonly string[]): string | null {
  for (const s of suffixes) if (word.endsWith(s)) return s;
  return null;
}

/** The matching key and grain of a place name as written. */
export function placeOf(label: string, coarseNames: ReadonlySet<string> = new Set()): Place {
  const name = label.normalize('NFKC').toLowerCase();
  const coarse = coarseNames.has(name) || (endsWithAny(name, COARSE_SUFFIXES) !== null && endsWithAny(name, FINE_SUFFIXES) === null);
  let key = name;
  for (const t of name.endsWith('新村') ? [] : GENERIC_TYPES) {
    if (key.endsWith(t) && key.length - t.length >= 2) {
      key = key.slice(0, -t.length);
      break;
    }
  }
  return { key, label, fine: !coarse };
}

export interface Gazetteer {
  /** Coarse names: the cycle's districts, staff's district-level entries. */
  districts: readonly string[];
  /** Fine names: collection points' places, staff's place entries. */
  places: readonly string[];
}

interface Token {
  word: string;
  tag: string;
}

export class Analyzer {
  readonly #jieba: Jieba;
  /** Word → synonym-group id (the group's first word). */
  readonly #concept = new Map<string, string>();
  readonly #stops: Set<string>;
  readonly #gazetteer = new Set<string>();
  readonly #coarse = new Set<string>();

  constructor(lex: Lexicon) {
    this.#jieba = Jieba.withDict(dict);
    for (const group of lex.synonyms) {
      const id = group[0]!;
      for (const w of group) if (!this.#concept.has(w)) this.#concept.set(w, id);
    }
    this.#stops = new Set(lex.stops);
    const lines: string[] = [];
    for (const w of this.#concept.keys()) if ([...w].length >= 2) lines.push(`${w} 50000 n`);
    for (const w of lex.words) if ([...w].length >= 2) lines.push(`${w} 50000 n`);
    // Place endings as words of their own, so an unknown name before them stays apart (金鹰 + 佳苑).
    for (const w of ['佳苑', '新村', '花园', '家园', '小区', '社区', '南路', '北路', '东路', '西路', '中路', '大道', '村委会']) lines.push(`${w} 30000 n`);
    this.#jieba.loadDict(Buffer.from(lines.join('\n')));
    this.addPlaces({ districts: [], places: lex.places });
  }

  /** Adds gazetteer names (idempotent): each becomes one token and a place. */
  addPlaces(g: Gazetteer): void {
    const lines: string[] = [];
    for (const [names, coarse] of [
      [g.districts, true],
      [g.places, false],
    ] as const) {
      for (const raw of names) {
        const n = raw.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
        if ([...n].length < 2) continue;
        if (coarse) this.#coarse.add(n);
        if (this.#gazetteer.has(n)) continue;
        this.#gazetteer.add(n);
        lines.push(`${n} 80000 ns`);
      }
    }
    if (lines.length) this.#jieba.loadDict(Buffer.from(lines.join('\n')));
  }

  /** The synonym-group id of a word, or the word itself. */
  conceptOf(word: string): string {
    return this.#concept.get(word) ?? word;
  }

  /** Words as the segmenter cuts them (for tests and tuning). */
  cut(text: string): string[] {
    return this.#jieba.cut(text.normalize('NFKC').toLowerCase(), false);
  }

  /**
   * Dictionary words only (no HMM): an unknown name stays single characters that the place rules
   * join (春/江/苑 → 春江苑), where HMM glues its last character to the next word (春江/苑装/电梯).
   */
  #tokens(text: string): Token[] {
    return this.#jieba.tag(text.normalize('NFKC').toLowerCase(), false).map((t) => ({ word: t.word, tag: t.tag }));
  }

  #isLexiconWord(w: string): boolean {
    return this.#concept.has(w) || this.#stops.has(w);
  }

  /** May this token be (part of) a place's proper name? */
  #nameLike(t: Token): boolean {
    if (this.#gazetteer.has(t.word)) return true;
    if (!CJK_OR_ALNUM.test(t.word) || NON_NAME_TAGS.has(t.tag) || NOT_NAME_WORDS.has(t.word) || this.#isLexiconWord(t.word)) return false;
    return true;
  }

  /** Places named in a text, and which tokens they used. */
  #places(tokens: Token[]): { places: Place[]; used: Set<number> } {
    const places: Place[] = [];
    const used = new Set<number>();
    const add = (label: string, from: number, to: number) => {
      places.push(placeOf(label, this.#coarse));
      for (let k = from; k <= to; k++) used.add(k);
    };
    for (let i = 0; i < tokens.length; i++) {
      const { word, tag } = tokens[i]!;
      if (this.#gazetteer.has(word)) {
        // A gazetteer name followed by a short ending is a longer name (春江 + 西苑 = 春江西苑).
        const next = tokens[i + 1];
        if (next && !this.#isLexiconWord(next.word) && endsWithAny(next.word, FINE_SUFFIXES) && [...next.word].length <= 2 && !NOT_PLACES.has(next.word)) {
          add(word + next.word, i, i + 1);
          i++;
        } else add(word, i, i);
        continue;
      }
      if (this.#isLexiconWord(word) && !FINE_SUFFIXES.includes(word) && !COARSE_SUFFIXES.includes(word)) continue;
      // A name followed by a (nearly) bare ending is left to that ending, which takes it (黄河 + 南路, 柳湾 + 河道).
      const next = tokens[i + 1]?.word ?? '';
      const ending = endsWithAny(next, FINE_SUFFIXES) ?? endsWithAny(next, COARSE_SUFFIXES);
      if (ending !== null && (next === ending || ([...next].length - [...ending].length <= 1 && !NOT_PLACES.has(next))) && this.#nameLike(tokens[i]!)) continue;
      const fineEnd = endsWithAny(word, FINE_SUFFIXES);
      const coarseEnd = fineEnd ? null : endsWithAny(word, COARSE_SUFFIXES);
      const end = fineEnd ?? coarseEnd;
      if (end && (word === end || !NOT_PLACES.has(word))) {
        if (word === end || [...word].length - [...end].length <= 1) {
          // A bare or nearly bare ending (苑, 小区, 西苑): the name is in the tokens before it.
          let start = i;
          let len = [...word].length;
          while (start > 0 && i - start < 4) {
            const prev = tokens[start - 1]!;
            if (!this.#nameLike(prev)) break;
            const l = [...prev.word].length;
            if (len + l > 10 || used.has(start - 1)) break;
            start--;
            len += l;
          }
          // A verb may be inside a name (云栖小区) and starts a few road names (建设路), but
          // nothing else (住春江苑, 建小区, 上学路).
          while (start < i && tokens[start]!.tag.startsWith('v') && !(['路', '街', '大道'].includes(end) && ROAD_VERBS.has(tokens[start]!.word))) {
            len -= [...tokens[start]!.word].length;
            start++;
          }
          // One character before a bare ending is rarely a name (新村, 大院): at least two.
          const first = tokens[start]!.word;
          // A name does not start with an ending (我们村建社区 is no place called 村建).
          const generic = GENERIC_TYPES.includes(first) || COARSE_SUFFIXES.includes(first) || /^[村路街巷区县市镇乡]/u.test(first);
          if (start < i && !generic && len - [...word].length >= (word === end ? 2 : 1)) add(tokens.slice(start, i + 1).map((t) => t.word).join(''), start, i);
          // A short name the segmenter knows as one (桂园, 西苑).
          else if (word !== end && PROPER_TAGS.has(tag) && !NOT_PLACES.has(word)) add(word, i, i);
        } else if ([...word].length <= 10) add(word, i, i);
        continue;
      }
    }
    return { places, used };
  }

  #topic(tokens: Token[], used: Set<number>, into: string[]): void {
    for (let i = 0; i < tokens.length; i++) {
      if (used.has(i)) continue;
      const { word, tag } = tokens[i]!;
      if (this.#stops.has(word) || !CJK_OR_ALNUM.test(word)) continue;
      const concept = this.#concept.get(word);
      if (concept) into.push(concept);
      else if ([...word].length >= 2 && !NON_TOPIC_TAGS.has(tag) && !/^\d+$/.test(word)) {
        const parts = this.#knownParts(word);
        into.push(...(parts.length > 0 ? parts : [word]));
      }
    }
  }

  /** Lexicon words inside a word the segmenter kept whole (公厕改造 → 公共厕所, 改造), longest first from the left. */
  #knownParts(word: string): string[] {
    const chars = [...word];
    const out: string[] = [];
    for (let i = 0; i < chars.length; ) {
      let found = 0;
      for (let j = chars.length; j > i + 1; j--) {
        if (this.#concept.has(chars.slice(i, j).join(''))) {
          found = j - i;
          break;
        }
      }
      if (found) {
        out.push(this.#concept.get(chars.slice(i, i + found).join(''))!);
        i += found;
      } else i++;
    }
    return out;
  }

  analyze(p: AnalyzerInput): Features {
    const places: Place[] = [];
    const concepts: string[] = [];
    const titleConcepts = new Set<string>();
    const texts = [p.title, p.location ?? '', p.content, p.reason ?? ''];
    texts.forEach((text, n) => {
      if (!text) return;
      const tokens = this.#tokens(text);
      const found = this.#places(tokens);
      places.push(...found.places);
      const before = concepts.length;
      this.#topic(tokens, found.used, concepts);
      if (n === 0) for (const c of concepts.slice(before)) titleConcepts.add(c);
    });
    if (p.district) places.push({ ...placeOf(p.district, this.#coarse), fine: false });
    // A name with words in front of one found elsewhere in the text is that name (利用阳光新村 → 阳光新村).
    const named = places.filter((pl) => !places.some((o) => o !== pl && o.fine === pl.fine && o.key !== pl.key && pl.label.endsWith(o.label) && [...o.label].length >= 3));
    // One entry per key, labelled as fully as it was written (柳湾村 rather than 柳湾).
    const byKey = new Map<string, Place>();
    for (const pl of named) {
      const k = `${pl.fine}:${pl.key}`;
      const had = byKey.get(k);
      if (!had || [...pl.label].length > [...had.label].length) byKey.set(k, pl);
    }
    return { places: [...byKey.values()], concepts: [...new Set(concepts)], titleConcepts };
  }
}
