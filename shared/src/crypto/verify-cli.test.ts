import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulletinJson } from './bulletin.ts';
import { cryptoReady } from './group.ts';
import { bulletinJsonOf, runCeremony, type TestSpec } from './testkit.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');
let dir: string;
let json: BulletinJson;

async function cli(name: string, content: string): Promise<{ code: number; out: string }> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/verify-poll.ts', file], { cwd: root });
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, out: err.stdout };
  }
}

beforeAll(async () => {
  await cryptoReady();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-poll-'));
  const spec: TestSpec = { pollId: 'cli', kind: 'choose', candidates: 3, places: 2, allowAbstain: true, maxBallots: 10 };
  json = bulletinJsonOf(runCeremony(3, 2), spec, [[0], [0, 2], [1]].map((selected) => ({ type: 'choose', selected })), [2, 3]);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('pnpm verify:poll', () => {
  it('passes on the published bulletin and fails, naming the failure, on a tampered copy', async () => {
    const ok = await cli('good.json', JSON.stringify(json));
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('复核通过');
    expect(ok.out).toContain('"selected":[2,1,1]');
    // 项目2 and 项目3 tie for the second place; the test rules leave a tied place vacant
    expect(ok.out).toContain('入选 · chosen (recounted under the poll\'s rules): 项目1\n');

    const result = structuredClone(json);
    (result.result as { chosen: string[] }).chosen = ['c1', 'c2'];
    const wrong = await cli('result.json', JSON.stringify(result));
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('RESULT_MISMATCH $.result.chosen');

    const tampered = structuredClone(json);
    tampered.ballots[0]!.slots[0] = json.ballots[1]!.slots[0]!;
    const refused = await cli('bad.json', JSON.stringify(tampered));
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('BALLOT_PROOF $.ballots[0].proofs[0]');
    expect(refused.out).toContain('复核未通过');

    // the 1st and 2nd project's names swapped: the list is not the one the proofs are bound to
    const renamed = structuredClone(json);
    [renamed.rules.candidates[0]!.name, renamed.rules.candidates[1]!.name] = [json.rules.candidates[1]!.name, json.rules.candidates[0]!.name];
    const list = await cli('renamed.json', JSON.stringify(renamed));
    expect(list.code).toBe(1);
    expect(list.out).toContain('CANDIDATE_LIST $.rules.candidates');
    expect(list.out).not.toContain('入选');

    expect((await cli('garbage.json', '{')).code).toBe(1);
  });
});
