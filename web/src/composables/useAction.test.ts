import { describe, expect, it } from 'vitest';
import { useAction } from './useAction.ts';

describe('useAction', () => {
  it('is busy while the action runs and gives back its value', async () => {
    const a = useAction();
    let seen = false;
    const r = await a.run(async () => {
      seen = a.busy.value;
      return 42;
    });
    expect(seen).toBe(true);
    expect(r).toBe(42);
    expect(a.busy.value).toBe(false);
    expect(a.error.value).toBeNull();
  });

  it('can start busy, for a screen that loads on mount', async () => {
    const a = useAction({ busy: true });
    expect(a.busy.value).toBe(true);
    await a.run(async () => 1);
    expect(a.busy.value).toBe(false);
  });

  it('reports into a shared error when given one', async () => {
    const first = useAction();
    const second = useAction({ error: first.error });
    await second.run(() => Promise.reject(new Error('boom')));
    expect(first.error.value).toBeInstanceOf(Error);
    expect(first.busy.value).toBe(false);
  });

  it('keeps what the action threw, and clears it on the next run', async () => {
    const a = useAction();
    const boom = new Error('boom');
    expect(await a.run(() => Promise.reject(boom))).toBeUndefined();
    expect(a.error.value).toBe(boom);
    expect(a.busy.value).toBe(false);
    await a.run(async () => 1);
    expect(a.error.value).toBeNull();
  });
});
