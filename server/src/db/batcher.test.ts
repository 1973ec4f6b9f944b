import { describe, expect, it } from 'vitest';
import { Batcher } from './database.ts';

/** A run function whose batches finish only when the test says so. */
function controlled() {
  const calls: { items: number[]; finish(results?: (number | Error)[]): void; fail(err: Error): void }[] = [];
  const run = (items: number[]) =>
    new Promise<(number | Error)[]>((resolve, reject) => {
      calls.push({ items, finish: (r) => resolve(r ?? items.map((x) => x * 10)), fail: reject });
    });
  return { calls, run };
}

/** Long enough for settled batches to hand over and the next one to go out. */
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('Batcher', () => {
  it('sends a lone call at once, and gathers the calls made while the database is busy', async () => {
    const { calls, run } = controlled();
    const b = new Batcher(run, 100, 1);
    const first = b.add(1);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1]]);
    const later = [b.add(2), b.add(3), b.add(4)];
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]!.finish();
    expect(await first).toBe(10);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3, 4]]);
    calls[1]!.finish();
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
    expect(b.idle).toBe(true);
  });

  it('keeps up to maxInFlight batches going and caps their size', async () => {
    const { calls, run } = controlled();
    const b = new Batcher(run, 2, 2);
    const all = [1, 2, 3, 4, 5].map((x) => b.add(x));
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1, 2], [3, 4]]);
    calls[0]!.finish();
    await tick();
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1, 2], [3, 4], [5]]);
    calls[1]!.finish();
    calls[2]!.finish();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50]);
  });

  it('fails one call alone when its answer is an Error, and the whole batch when run throws', async () => {
    const { calls, run } = controlled();
    const b = new Batcher(run, 100, 1);
    const one = [b.add(1), b.add(2)];
    await tick();
    calls[0]!.finish([10, new Error('this one')]);
    expect(await one[0]).toBe(10);
    await expect(one[1]).rejects.toThrow('this one');
    const two = [b.add(3), b.add(4)];
    await tick();
    calls[1]!.fail(new Error('database away'));
    await expect(two[0]).rejects.toThrow('database away');
    await expect(two[1]).rejects.toThrow('database away');
    expect(b.idle).toBe(true);
  });
});
