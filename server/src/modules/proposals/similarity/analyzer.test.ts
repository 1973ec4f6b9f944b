import { describe, expect, it } from 'vitest';
import { Analyzer, placeOf } from './analyzer.ts';
import { parseLexiconText, seedEntries, toLexicon } from './lexicon.ts';
import { placeRelation, SimilarityIndex } from './similarity-index.ts';

const analyzer = new Analyzer(toLexicon(seedEntries()));
const places = (title: string, a = analyzer) => a.analyze({ title, content: '' }).places.map((p) => p.label);
const keys = (title: string, a = analyzer) => a.analyze({ title, content: '' }).places.map((p) => p.key);
const concepts = (title: string) => analyzer.analyze({ title, content: '' }).concepts;

describe('segmentation with the domain dictionary', () => {
  it('keeps the lexicon’s words whole where jieba alone splits them', () => {
    expect(analyzer.cut('请给春江苑老楼安装电梯')).toContain('老楼');
    expect(analyzer.cut('柳湾河道黑臭水体治理')).toContain('黑臭');
    expect(analyzer.cut('我们小区门口路灯不亮')).toEqual(expect.arrayContaining(['路灯', '不亮']));
  });

  it('a staff word added to the lexicon becomes one token', () => {
    const lex = toLexicon([...seedEntries(), ...parseLexiconText('[词语]\n口袋书屋\n')]);
    expect(new Analyzer(lex).cut('建设口袋书屋')).toContain('口袋书屋');
    expect(analyzer.cut('建设口袋书屋')).not.toContain('口袋书屋');
  });
});

describe('synonyms', () => {
  it('map other words for the same request to one group', () => {
    expect(concepts('春江苑老旧小区加装电梯')).toEqual(concepts('请给春江苑老楼安装电梯'));
    expect(concepts('为桂园多层住宅增设电梯')).toEqual(['老旧小区', '加装', '电梯']);
    expect(analyzer.conceptOf('社区医院')).toBe(analyzer.conceptOf('卫生室'));
    expect(analyzer.conceptOf('老年食堂')).toBe(analyzer.conceptOf('助餐'));
    expect(concepts('柳湾村旁边的河很臭')).toEqual(expect.arrayContaining(['河道', '黑臭']));
    expect(concepts('柳湾河道黑臭水体治理')).toEqual(expect.arrayContaining(['河道', '黑臭']));
  });

  it('find lexicon words inside a compound the segmenter kept whole', () => {
    expect(concepts('公厕改造')).toEqual(expect.arrayContaining([analyzer.conceptOf('公共厕所'), analyzer.conceptOf('改造')]));
  });

  it('parse the seed format: sections, comments, one group per line', () => {
    const e = parseLexiconText('# c\n[同义词]\n加装  安装，增设 加装\n[停用]\n建议 希望\n[地名]\n春江苑\n');
    expect(e).toEqual([
      { kind: 'synonym', value: '加装 安装 增设' },
      { kind: 'stop', value: '建议' },
      { kind: 'stop', value: '希望' },
      { kind: 'place', value: '春江苑' },
    ]);
    expect(() => parseLexiconText('[别的]\nx')).toThrow();
  });
});

describe('place extraction', () => {
  it('finds 小区, 村, 路, 花园, 新村, 佳苑, 苑 and 园 names, without the words around them', () => {
    expect(places('请给春江苑老楼安装电梯')).toEqual(['春江苑']);
    expect(places('为枫林花园多层住宅增设电梯')).toEqual(['枫林花园']);
    expect(places('阳光新村3栋屋顶漏水')).toEqual(['阳光新村']);
    expect(places('金鹰佳苑停车难')).toEqual(['金鹰佳苑']);
    expect(places('建议在幸福路增设公交站台')).toEqual(['幸福路']);
    expect(places('黄河南路路面坑洼')).toEqual(['黄河南路']);
    expect(places('东方红小区安装监控')).toEqual(['东方红小区']);
    expect(places('为桂园多层住宅增设电梯')).toEqual(['桂园']);
  });

  it('does not take a kind of place for a name (老旧小区, 我们小区, 农村)', () => {
    expect(places('老旧小区加装电梯')).toEqual([]);
    expect(places('我们小区门口的路灯晚上不亮')).toEqual([]);
    expect(places('农村公路修一修')).toEqual([]);
  });

  it('matches a village with its river and 社区 (柳湾村 = 柳湾河道), never 春江苑 with 春江', () => {
    expect(keys('柳湾村旁边的河很臭')).toEqual(keys('柳湾河道黑臭水体治理'));
    expect(placeOf('春江苑').key).toBe('春江苑');
    expect(placeOf('春江街道').key).toBe('春江');
    expect(placeOf('春江苑').key).not.toBe(placeOf('春江街道').key);
    expect(placeOf('宿城区').fine).toBe(false);
  });

  it('the 春江 / 春江西苑 trap: a gazetteer name inside a longer one is the longer place', () => {
    const a = new Analyzer(toLexicon(seedEntries()));
    a.addPlaces({ districts: ['春江'], places: [] });
    expect(places('春江西苑路灯不亮', a)).toEqual(['春江西苑']);
    expect(places('春江苑路灯不亮', a)).toEqual(['春江苑']);
    expect(places('春江道路坑洼', a)).toEqual(['春江']);
    const west = a.analyze({ title: '春江西苑路灯不亮', content: '' });
    const river = a.analyze({ title: '春江苑路灯不亮', content: '' });
    const town = a.analyze({ title: '春江道路照明', content: '' });
    const set = (f: typeof west) => ({ fine: new Set(f.places.filter((p) => p.fine).map((p) => p.key)), coarse: new Set(f.places.filter((p) => !p.fine).map((p) => p.key)) });
    expect(placeRelation(set(west), set(river))).toBe('other');
    expect(placeRelation(set(west), set(town))).toBe('unknown');
  });
});

describe('the index', () => {
  const docs = [
    { id: 'a', title: '春江苑老旧小区加装电梯', content: '春江苑都是六层楼，老人爬楼难。' },
    { id: 'b', title: '请给春江苑老楼安装电梯', content: '我妈住五楼，腿脚不好。' },
    { id: 'c', title: '春江西苑老旧小区加装电梯', content: '春江西苑都是六层楼，老人爬楼难。' },
    { id: 'd', title: '春江苑路灯不亮', content: '晚上一片漆黑。' },
    { id: 'e', title: '柳湾村旁边的河很臭', content: '夏天发臭。' },
    { id: 'f', title: '柳湾河道黑臭水体治理', content: '清淤疏浚。' },
  ];
  const index = new SimilarityIndex();
  docs.forEach((d, i) => index.upsert(d.id, i + 1, 'received', analyzer.analyze(d)));

  it('ranks the reworded duplicate first and flags it with the reason', () => {
    const [top] = index.similar('a', 5);
    expect(top).toMatchObject({ id: 'b', place: 'same', samePlaces: ['春江苑'], duplicate: true });
    expect(top!.sharedTopics[0]).toContain('电梯');
    expect(index.similar('e', 5)[0]).toMatchObject({ id: 'f', place: 'same', duplicate: true });
  });

  it('never flags the same sentence at another place, and ranks it below same-place matches', () => {
    const list = index.similar('a', 5);
    const other = list.find((m) => m.id === 'c')!;
    expect(other).toMatchObject({ place: 'other', duplicate: false });
    expect(other.topic).toBeGreaterThan(list.find((m) => m.id === 'b')!.topic);
    expect(list.findIndex((m) => m.id === 'c')).toBeGreaterThan(list.findIndex((m) => m.id === 'd'));
  });

  it('groups flagged pairs and leaves the rest alone', () => {
    expect(index.groups(docs.map((d) => d.id)).map((g) => g.members)).toEqual([['a', 'b'], ['e', 'f']]);
    expect(index.groups(['a', 'c', 'd'])).toEqual([]);
  });
});
