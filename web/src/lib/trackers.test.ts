import { describe, expect, it } from 'vitest';
import { normaliseTracker, searchTrackers, trackerPublished } from './trackers.ts';

const LIST = ['ABCD-EFGH-JKLM', 'NPQR-STUV-WXYZ', 'A2B3-C4D5-E6F7'];

describe('trackers', () => {
  it('normalises case and separators', () => {
    expect(normaliseTracker(' abcd efgh-jklm ')).toBe('ABCDEFGHJKLM');
  });

  it('finds a receipt in the published list however it was typed', () => {
    expect(trackerPublished(LIST, 'abcdefghjklm')).toBe(true);
    expect(trackerPublished(LIST, 'NPQR STUV WXYZ')).toBe(true);
    expect(trackerPublished(LIST, 'ABCD-EFGH-JKLN')).toBe(false);
    expect(trackerPublished(LIST, '')).toBe(false);
    expect(trackerPublished(LIST, null)).toBe(false);
  });

  it('does not take a partial receipt for an included one', () => {
    expect(trackerPublished(LIST, 'ABCD-EFGH')).toBe(false);
  });

  it('searches by any part of the receipt', () => {
    expect(searchTrackers(LIST, 'stuv')).toEqual(['NPQR-STUV-WXYZ']);
    expect(searchTrackers(LIST, 'c4d5')).toEqual(['A2B3-C4D5-E6F7']);
    expect(searchTrackers(LIST, '   ')).toEqual([]);
    expect(searchTrackers(LIST, 'A', 2)).toHaveLength(2);
  });
});
