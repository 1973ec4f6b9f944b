import { beforeEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { i18n, setLocale } from '../../i18n/index.ts';
import PublicAnnouncementCard from './PublicAnnouncementCard.vue';
import { announcement, rankAnnouncement } from './announcement.fixture.ts';

const stubs = { RouterLink: true };
const rules = announcement().rules;

/** The public card's full table (after 展开全部候选项目) as headings and rows, and the chosen list's figures. */
async function shown(a: ReturnType<typeof announcement>) {
  const w = mount(PublicAnnouncementCard, { props: { a }, global: { plugins: [i18n], stubs } });
  await w.get('.pa-toggle').trigger('click');
  const table = w.get('table.rows');
  return {
    header: table.findAll('thead th').map((th) => th.text()),
    rows: table.findAll('tbody tr').map((tr) => tr.findAll('td').map((td) => td.text())),
    figures: w.findAll('.cp-votes').map((s) => s.text()),
    text: table.text(),
  };
}

describe('PublicAnnouncementCard', () => {
  beforeEach(() => setLocale('zh-CN'));

  it('heads the full table with the figures of the ballot form, as the 公告 does', async () => {
    const approve = await shown(announcement());
    expect(approve.header).toEqual(['名次', '项目名称', '赞成', '反对', '弃权']);
    expect(approve.rows[2]).toEqual(['3', '老旧小区雨污分流改造', '1', '2', '0']);
    expect(approve.figures).toEqual(['赞成 3 票', '赞成 3 票']);

    // 差额勾选: ticks and the unticked; there is no 反对 to show
    const choose = await shown(announcement({ rules: { ...rules, ballotType: 'choose' } }));
    expect(choose.header).toEqual(['名次', '项目名称', '赞成（勾选）', '未勾选']);
    expect(choose.rows[1]).toEqual(['2', '社区养老服务中心提升 ✓ 入选', '2', '1']);
    expect(choose.text).not.toContain('反对');

    // rank: times ranked, the points that order them, not ranked; the chosen list gives the points
    const rank = await shown(rankAnnouncement());
    expect(rank.header).toEqual(['名次', '项目名称', '被排序次数', '得分', '未排序']);
    expect(rank.rows[0]).toEqual(['1', '城区新建中小学3所 ✓ 入选', '2', '4', '1']);
    expect(rank.figures).toEqual(['得分 4', '得分 3']);
    expect(rank.text).not.toMatch(/反对|弃权/);
  });

  it('in English, the same columns in English', async () => {
    setLocale('en');
    const choose = await shown(announcement({ rules: { ...rules, ballotType: 'choose' } }));
    expect(choose.header.slice(2)).toEqual(['Ticked', 'Not ticked']);
  });
});
