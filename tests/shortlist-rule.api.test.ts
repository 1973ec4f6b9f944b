import type { Candidate, CreateCycleBody, Cycle, FreezeShortlistBody, Shortlist } from '@piaojue/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffCheck } from '../web/src/lib/cycleDraft.ts';
import { Client, createTestApp, defaultCycle, ok, refused, type TestApp } from './helpers/app.ts';
import { fixList, staffPair } from './helpers/world.ts';

let t: TestApp;
let staff: Client;

beforeAll(async () => {
  t = await createTestApp();
  ({ staff } = await staffPair(t));
});
afterAll(() => t.close());

/** A draft cycle whose list is brought to `count` candidates by adding or deleting. */
async function listOf(cycleId: string, count: number): Promise<void> {
  const now = ok(await staff.read<Candidate[]>(`/api/cycles/${cycleId}/candidates`));
  for (let i = now.length; i < count; i++) expect((await staff.post(`/api/cycles/${cycleId}/candidates`, { name: `项目${i + 1}` })).status).toBe(200);
  for (const c of now.slice(count)) expect((await staff.del(`/api/candidates/${c.id}`)).status).toBe(200);
}

const decision: FreezeShortlistBody = { organ: 'director_meeting', decidedOn: '2026-12-08', reference: '市人大常委会第三十二次主任会议' };

const newCycle = async (over: Partial<CreateCycleBody>) => ok(await staff.send<Cycle, CreateCycleBody>('POST', '/api/cycles', { ...defaultCycle, ...over })).id;

describe('差额: the server and the cycle page give one verdict', () => {
  it('over random rule sets, GET shortlist and the web helper agree (ratios typed in half percents, as a draft may hold them)', async () => {
    const cycleId = await newCycle({ name: '差额一致性' });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 24 }),
        async (places, a, b, count) => {
          const [minPct, maxPct] = [Math.min(a, b) / 2, Math.max(a, b) / 2];
          const patched = await staff.patch(`/api/cycles/${cycleId}`, { chooseN: places, minExtraRatio: minPct / 100, maxExtraRatio: maxPct / 100 });
          expect(patched.status, JSON.stringify(patched.body)).toBe(200);
          await listOf(cycleId, count);
          const { check } = ok(await staff.read<Shortlist>(`/api/cycles/${cycleId}/shortlist`));
          const web = diffCheck(count, places, minPct / 100, maxPct / 100);
          expect({ status: check.status, widened: check.widened, ok: check.ok, min: check.minCandidates, max: check.maxCandidates }).toEqual({ status: web.status, widened: web.widened, ok: web.status === 'ok', min: web.minCandidates, max: web.maxCandidates });
        },
      ),
      { numRuns: 25 },
    );
  });

  it('5 places at 50 %–50 % with 8 candidates: the web enables 确定 and the server fixes the list', async () => {
    const cycleId = await newCycle({ name: '差额例', chooseN: 5, minExtraRatio: 0.5, maxExtraRatio: 0.5 });
    await listOf(cycleId, 9);
    expect(diffCheck(9, 5, 0.5, 0.5).status).toBe('too_many');
    expect(refused(await fixList(staff, cycleId, decision), 409)).toMatchObject({ code: 'SHORTLIST_RATIO', details: { candidates: 9, places: 5, minCandidates: 8, maxCandidates: 8 } });
    await listOf(cycleId, 8);
    expect(diffCheck(8, 5, 0.5, 0.5).status).toBe('ok');
    expect(ok(await fixList(staff, cycleId, decision)).check).toMatchObject({ ok: true, candidates: 8, minCandidates: 8, maxCandidates: 8 });
  });

  it('the 11-for-10 list the cycle’s 20 %–50 % range forbids is refused and changes nothing', async () => {
    const cycleId = await newCycle({ name: '十一选十', chooseN: 10, minExtraRatio: 0.2, maxExtraRatio: 0.5 });
    await listOf(cycleId, 11);
    expect(refused(await fixList(staff, cycleId, decision), 409)).toMatchObject({ code: 'SHORTLIST_RATIO', details: { candidates: 11, places: 10, minCandidates: 12, maxCandidates: 15 } });
    expect(ok(await staff.read<Cycle>(`/api/cycles/${cycleId}`))).toMatchObject({ frozenAt: null, frozenHash: null, freezeDecision: null });
  });
});
