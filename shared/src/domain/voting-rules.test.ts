import { describe, expect, it } from 'vitest';
import { votingRulesDocument, type VotingRulesInput } from './voting-rules.ts';

const input = (ballotMode?: 'encrypted' | 'plain'): VotingRulesInput => ({
  sessionName: '某市第一届人民代表大会第一次会议',
  cycleName: '2027年度某市民生实事项目',
  candidates: 12,
  rules: { chooseN: 10, ballotType: 'approve', passThreshold: 'none', quorumRule: 'more_than_half', tieRule: 'runoff', minBallots: 5, certifyK: 1, scrutineerConfirmations: null, ballotMode },
  scrutineers: [{ name: '张三', delegation: '一团', chief: true }],
  counters: 2,
  provisions: '',
});

const text = (d: ReturnType<typeof votingRulesDocument>) => d.articles.join('\n');

describe('the 票决办法 states how the electronic ballot is kept secret', () => {
  it('encrypted: the 监票人 hold the key and decrypt only the totals together', () => {
    const t = text(votingRulesDocument(input('encrypted')));
    expect(t).toContain('表决票在代表的表决终端上加密后提交');
    expect(t).toContain('任何单张表决票均不解密');
    expect(t).not.toContain('不加密');
  });

  it('plain, chosen explicitly, says so in the text', () => {
    const t = text(votingRulesDocument(input('plain')));
    expect(t).toContain('电子表决票不加密');
    expect(t).not.toContain('共同解密');
  });

  it('a version drafted before ballots could be encrypted reads as it was: plain', () => {
    expect(votingRulesDocument(input(undefined))).toEqual(votingRulesDocument(input('plain')));
  });
});
