import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countReleasable, countRefusalText } from './count-release.ts';

describe('countReleasable', () => {
  it('releases when every channel holding ballots reaches the minimum', () => {
    expect(countReleasable({ electronic: 5, paper: 0, minBallots: 5 })).toEqual({ ok: true });
    expect(countReleasable({ electronic: 0, paper: 5, minBallots: 5 })).toEqual({ ok: true });
    expect(countReleasable({ electronic: 5, paper: 5, minBallots: 5 })).toEqual({ ok: true });
    expect(countReleasable({ electronic: 1, paper: 1, minBallots: 1 })).toEqual({ ok: true });
  });

  it('refuses a short whole before a short channel', () => {
    expect(countReleasable({ electronic: 2, paper: 1, minBallots: 5 })).toEqual({ ok: false, reason: 'total', ballots: 3, minimum: 5 });
    expect(countReleasable({ electronic: 0, paper: 0, minBallots: 1 })).toEqual({ ok: false, reason: 'total', ballots: 0, minimum: 1 });
  });

  it('refuses a channel with a few ballots however large the other one is', () => {
    expect(countReleasable({ electronic: 2, paper: 498, minBallots: 5 })).toEqual({ ok: false, reason: 'channel', channel: 'electronic', ballots: 2, minimum: 5 });
    expect(countReleasable({ electronic: 498, paper: 2, minBallots: 5 })).toEqual({ ok: false, reason: 'channel', channel: 'paper', ballots: 2, minimum: 5 });
    expect(countReleasable({ electronic: 4, paper: 4, minBallots: 5 })).toMatchObject({ ok: false, reason: 'channel', channel: 'electronic' });
  });

  it('is exactly: the whole reaches the minimum and no channel holds between 1 and minimum − 1 ballots', () => {
    fc.assert(
      fc.property(fc.nat(60), fc.nat(60), fc.integer({ min: 1, max: 30 }), (electronic, paper, minBallots) => {
        const short = (n: number) => n > 0 && n < minBallots;
        const ok = electronic + paper >= minBallots && !short(electronic) && !short(paper);
        expect(countReleasable({ electronic, paper, minBallots }).ok).toBe(ok);
      }),
    );
  });

  it('names the channel and the minimum, in official wording', () => {
    const v = countReleasable({ electronic: 2, paper: 498, minBallots: 5 });
    if (v.ok) throw new Error('released');
    const text = countRefusalText(v);
    expect(text.zh).toContain('电子表决的表决票仅2张，少于最低计票数5张');
    expect(text.zh).toContain('只能取消后重新表决');
    expect(text.en).toContain('Only 2 ballots on the tablets (electronic part), fewer than the minimum of 5');
    const p = countReleasable({ electronic: 498, paper: 2, minBallots: 5 });
    if (p.ok) throw new Error('released');
    expect(countRefusalText(p).zh).toContain('纸质表决票仅2张，少于最低计票数5张');
    for (const s of [text.zh, countRefusalText(p).zh]) expect(s).not.toMatch(/选票|当选/);
  });
});
