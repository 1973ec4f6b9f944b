import { describe, expect, it } from 'vitest';
import { DEFAULT_AREAS, type CollectionNotice } from '@piaojue/shared';
import { checkNotice, defaultSource, entries, fromLocalInput, noticeDraft, toLocalInput } from './collectionDraft.ts';

describe('China Standard Time in datetime-local inputs', () => {
  it('shows an instant as Beijing wall time and reads it back', () => {
    expect(toLocalInput('2027-08-31T16:00:00.000Z')).toBe('2027-09-01T00:00');
    expect(fromLocalInput('2027-09-01T00:00')).toBe('2027-08-31T16:00:00.000Z');
    expect(fromLocalInput(toLocalInput('2027-03-05T01:30:00.000Z'))).toBe('2027-03-05T01:30:00.000Z');
  });
  it('refuses what is not a time', () => {
    expect(fromLocalInput('')).toBeNull();
    expect(fromLocalInput('2027-13-45T99:99')).toBeNull();
    expect(fromLocalInput('tomorrow')).toBeNull();
  });
});

describe('entries', () => {
  it('takes lines and Chinese or Latin separators, trims, drops blanks and repeats', () => {
    expect(entries(' 宿城区\n宿豫区、沭阳县，宿城区\n\n泗洪县; 泗阳县 ')).toEqual(['宿城区', '宿豫区', '沭阳县', '泗洪县', '泗阳县']);
    expect(entries('  \n ')).toEqual([]);
  });
});

describe('the notice form', () => {
  it('starts a fresh notice at the next full hour, for 30 days, with the default areas', () => {
    const now = Date.parse('2027-07-01T02:20:00Z'); // 10:20 in Beijing
    const d = noticeDraft(null, '2028年度宿迁市民生实事项目', now);
    expect(d.title).toBe('关于征集2028年度宿迁市民生实事项目的公告');
    expect(d.body).toContain('2028年度宿迁市民生实事项目');
    expect(d.opens).toBe('2027-07-01T11:00');
    expect(d.closes).toBe('2027-07-31T11:00');
    const c = checkNotice(d);
    expect(c.ok && c.body.areas).toEqual([...DEFAULT_AREAS]);
    expect(c.ok && c.days).toBe(30);
    expect(c.ok && c.shortWindow).toBe(false);
  });

  it('edits a published notice as it is', () => {
    const n: CollectionNotice = {
      cycleId: 'c',
      title: '公告',
      body: '正文',
      opensAt: '2027-07-01T00:00:00.000Z',
      closesAt: '2027-07-21T00:00:00.000Z',
      areas: ['交通出行', '其他'],
      districts: ['宿城区'],
      state: 'open',
      serverTime: '2027-07-02T00:00:00.000Z',
    };
    const c = checkNotice(noticeDraft(n, 'x'));
    expect(c).toEqual({
      ok: true,
      body: { title: '公告', body: '正文', opensAt: n.opensAt, closesAt: n.closesAt, areas: ['交通出行', '其他'], districts: ['宿城区'] },
      days: 20,
      shortWindow: true,
    });
  });

  it('names the first thing to fix', () => {
    const d = noticeDraft(null, 'x', Date.parse('2027-07-01T00:00:00Z'));
    expect(checkNotice({ ...d, title: '  ' })).toEqual({ ok: false, problem: 'title' });
    expect(checkNotice({ ...d, body: '' })).toEqual({ ok: false, problem: 'body' });
    expect(checkNotice({ ...d, opens: '' })).toEqual({ ok: false, problem: 'opens' });
    expect(checkNotice({ ...d, closes: 'x' })).toEqual({ ok: false, problem: 'closes' });
    expect(checkNotice({ ...d, closes: d.opens })).toEqual({ ok: false, problem: 'order' });
    expect(checkNotice({ ...d, areas: ' \n ' })).toEqual({ ok: false, problem: 'areas' });
  });
});

describe('defaultSource (储备库转入)', () => {
  const c = (id: string, level: string, year: number) => ({ id, level, year });
  it('takes the latest earlier year of the same level', () => {
    const target = c('t', 'city', 2028);
    expect(defaultSource([c('a', 'city', 2026), c('b', 'county', 2027), c('d', 'city', 2027), target], target)?.id).toBe('d');
  });
  it('falls back to the same level, then to anything, then to nothing', () => {
    const target = c('t', 'city', 2026);
    expect(defaultSource([c('x', 'county', 2025), c('y', 'city', 2027), target], target)?.id).toBe('y');
    expect(defaultSource([c('x', 'county', 2025), target], target)?.id).toBe('x');
    expect(defaultSource([target], target)).toBeNull();
  });
});
