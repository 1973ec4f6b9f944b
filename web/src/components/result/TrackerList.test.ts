import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { i18n, setLocale } from '../../i18n/index.ts';

const trackers = vi.fn();
vi.mock('../../api/index.ts', () => ({ api: { trackers: (id: string) => trackers(id) } }));
const { default: TrackerList } = await import('./TrackerList.vue');

const LIST = ['ABCD-EFGH-JKLM', 'NPQR-STUV-WXYZ', 'A2B3-C4D5-E6F7'];

describe('TrackerList', () => {
  beforeEach(() => {
    setLocale('zh-CN');
    trackers.mockReset();
    trackers.mockImplementation(async (id: string) => ({ pollId: id, trackers: LIST }));
  });

  const mountList = (props: Record<string, unknown>) => mount(TrackerList, { props: { pollId: 'p1', ...props }, global: { plugins: [i18n] } });

  it("tells the deputy their receipt is in the published list", async () => {
    const w = mountList({ mine: 'NPQR-STUV-WXYZ', theme: 'tablet' });
    await flushPromises();
    expect(w.get('[data-testid=tracker-mine-ok]').text()).toContain('您的回执码已在公布名单中');
    expect(w.text()).toContain('共 3 个回执码');
  });

  it('says so when the receipt is missing', async () => {
    const w = mountList({ mine: 'ZZZZ-ZZZZ-ZZZZ' });
    await flushPromises();
    expect(w.find('[data-testid=tracker-mine-ok]').exists()).toBe(false);
    expect(w.get('[data-testid=tracker-mine-missing]').text()).toContain('未在公布名单中找到');
  });

  it('finds a receipt typed without dashes, in lower case', async () => {
    const w = mountList({});
    await flushPromises();
    await w.get('[data-testid=tracker-search]').setValue('a2b3c4d5e6f7');
    expect(w.get('[data-testid=tracker-search-found]').text()).toContain('在公布名单中');
    await w.get('[data-testid=tracker-search]').setValue('stuv');
    expect(w.find('[data-testid=tracker-search-found]').exists()).toBe(false);
    expect(w.text()).toContain('找到 1 个匹配');
  });

  it('offers a retry when the list cannot be read', async () => {
    trackers.mockRejectedValueOnce(new Error('offline'));
    const w = mountList({ mine: 'ABCD-EFGH-JKLM' });
    await flushPromises();
    expect(w.text()).toContain('回执码名单暂时无法读取');
    await w.get('button').trigger('click');
    await flushPromises();
    expect(w.find('[data-testid=tracker-mine-ok]').exists()).toBe(true);
  });
});
