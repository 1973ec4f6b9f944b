import { describe, expect, it } from 'vitest';
import { mount, type DOMWrapper } from '@vue/test-utils';
import type { Announcement } from '@piaojue/shared';
import { announcementTable, RATING_TABLE_HEADER } from '@piaojue/shared/domain';
import AnnouncementDocument from './AnnouncementDocument.vue';
import { announcement, project, rankAnnouncement, record } from './announcement.fixture.ts';

/** A table's headings and its rows of cells, as shown. */
const grid = (table: Omit<DOMWrapper<Element>, 'exists'>) => ({
  header: table.findAll('thead th').map((th) => th.text()),
  rows: table.findAll('tbody tr').map((tr) => tr.findAll('td').map((td) => td.text())),
});

describe('AnnouncementDocument', () => {
  it('lays out masthead, number, body with the list after its introduction, signature and date', () => {
    const w = mount(AnnouncementDocument, { props: { a: announcement() } });
    expect(w.get('[data-testid=announcement-issuer]').text().replace(/\s+/g, '')).toBe('示范市第一届人民代表大会第三次会议主席团公告');
    expect(w.get('[data-testid=announcement-number]').text()).toBe('（第2号）');
    const body = w.get('.body');
    const order = [...body.element.children].map((el) => (el.tagName === 'OL' ? 'LIST' : el.textContent?.trim()));
    expect(order).toEqual(['会议进行了票决。', '应到代表3名。', '经票决，确定以下2个项目为2027年度示范市民生实事项目：', 'LIST', '特此公告。', '附件：票决结果统计表及表决记录']);
    const items = w.findAll('.project').map((li) => li.text());
    expect(items[0]).toContain('一、城区新建中小学3所');
    expect(items[0]).toContain('责任单位：市教育局；总投资：12,000万元；完成时限：2027年12月');
    expect(items[1]).toContain('二、社区养老服务中心提升（经再次投票确定）');
    expect(items[1]).not.toContain('总投资');
    // certified on 15 January in Beijing
    expect(w.get('[data-testid=announcement-date]').text()).toBe('2027年1月15日');
    expect(w.find('.od-wm').exists()).toBe(false);
  });

  it('annexes the full table and the official record', () => {
    const w = mount(AnnouncementDocument, { props: { a: announcement() } });
    // the table as the PDF and the download give it (announcementTable, shared)
    const table = grid(w.get('[data-testid=announcement-table]'));
    expect(table.header).toEqual(['名次', '候选项目', '赞成', '反对', '弃权', '结果']);
    expect(table.rows).toEqual([
      ['1', '城区新建中小学3所', '3', '0', '0', '入选'],
      ['2', '社区养老服务中心提升', '2', '0', '1', '入选'],
      ['3', '老旧小区雨污分流改造', '1', '2', '0', '未入选'],
    ]);
    expect(w.findAll('[data-testid=announcement-table] tbody tr').map((tr) => tr.classes())).toEqual([['s-chosen'], ['s-chosen'], ['s-not_chosen']]);
    expect(w.get('[data-testid=announcement-annex]').text()).not.toContain('空缺名额');
    const rec = w.get('[data-testid=announcement-record]').text();
    expect(rec).toContain('应到代表3名，实到代表3名，符合法定人数');
    expect(rec).toContain('监票人甲');
    expect(rec).toContain('主席团成员甲');
    expect(rec).toContain('abc123');
    expect(rec).toContain('第 42 条 f00dcafe');
  });

  it('heads and fills the table by the ballot form: 差额勾选 without 反对, a rank ballot with its points', () => {
    const rules = announcement().rules;
    const choose = mount(AnnouncementDocument, {
      props: {
        a: announcement({
          rules: { ...rules, ballotType: 'choose' },
          rows: [
            { rank: 1, name: '城区新建中小学3所', for: 3, against: 0, abstain: 0, score: 3, status: 'chosen' },
            { rank: 2, name: '社区养老服务中心提升', for: 2, against: 0, abstain: 1, score: 2, status: 'chosen' },
            { rank: 3, name: '老旧小区雨污分流改造', for: 1, against: 0, abstain: 2, score: 1, status: 'not_chosen' },
          ],
        }),
      },
    });
    const chooseTable = grid(choose.get('[data-testid=announcement-table]'));
    expect(chooseTable.header).toEqual(['名次', '候选项目', '赞成（勾选）', '未勾选', '结果']);
    expect(chooseTable.rows).toEqual([
      ['1', '城区新建中小学3所', '3', '0', '入选'],
      ['2', '社区养老服务中心提升', '2', '1', '入选'],
      ['3', '老旧小区雨污分流改造', '1', '2', '未入选'],
    ]);
    expect(choose.get('[data-testid=announcement-table]').text()).not.toContain('反对');

    const rank = mount(AnnouncementDocument, {
      props: {
        a: rankAnnouncement(),
      },
    });
    const rankTable = grid(rank.get('[data-testid=announcement-table]'));
    expect(rankTable.header).toEqual(['名次', '候选项目', '被排序次数', '得分', '未排序', '结果']);
    expect(rankTable.rows).toEqual([
      ['1', '城区新建中小学3所', '2', '4', '1', '入选'],
      ['2', '老旧小区雨污分流改造', '3', '3', '0', '入选'],
      ['3', '社区养老服务中心提升', '1', '2', '2', '未入选'],
    ]);
    expect(rank.get('[data-testid=announcement-table]').text()).not.toMatch(/反对|弃权/);
  });

  it('says under the table how many places stay empty', () => {
    const w = mount(AnnouncementDocument, { props: { a: announcement({ vacancies: 1 }) } });
    expect(w.get('[data-testid=announcement-annex] .annex-line').text()).toBe('空缺名额：1个。');
  });

  it('marks a draft on every page', () => {
    const w = mount(AnnouncementDocument, { props: { a: announcement({ draft: true, status: 'closed', certifiedAt: null, certifiedBy: [], auditAnchor: null }) } });
    expect(w.findAll('.od-sheet .od-wm')).toHaveLength(2);
    expect(w.find('.wm-print').exists()).toBe(true);
    expect(w.get('[data-testid=announcement-record]').text()).toContain('尚未确认（草稿）');
  });

  it('shows a rating poll as a table of grades', () => {
    const rating = {
      gradingRule: 'zhenhai' as const,
      ratingBase: 'members' as const,
      ratingBody: 'standing_committee' as const,
      record,
      rows: [{ candidateId: 'x', name: '城区新建中小学3所', satisfied: 2, basic: 1, unsatisfied: 0, abstain: 0, grade: 'satisfied' as const, satisfiedRate: 2 / 3, satisfactionRate: 1 }],
    };
    const w = mount(AnnouncementDocument, {
      props: { a: announcement({ kind: 'rating', chosen: [], rows: [], rating, rules: { ...announcement().rules, ballotType: 'rating' }, paragraphs: ['测评结果如下：', '特此公告。'] }) },
    });
    expect(w.find('[data-testid=announcement-projects]').exists()).toBe(false);
    // the table in the body and in the 附件: the same headings and cells, the PDF's and the download's
    const a = w.props('a');
    const shared = announcementTable(a);
    for (const id of ['announcement-rating', 'announcement-table']) {
      const table = grid(w.get(`[data-testid=${id}]`));
      expect(table.header, id).toEqual(RATING_TABLE_HEADER);
      expect(table.rows, id).toEqual(shared.rows.map((r) => r.map(String)));
      expect(table.rows, id).toEqual([['1', '城区新建中小学3所', '2', '1', '0', '0', '66.67%', '100.00%', '满意']]);
    }
    // the record follows the rating body and states the rule against all its members
    const rec = w.get('[data-testid=announcement-record]').text();
    expect(rec).toContain('应到常委会组成人员');
    expect(rec).toContain('满意票超过全体组成人员半数的，为测评满意');
  });
});
