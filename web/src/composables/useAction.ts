import { ref, type Ref } from 'vue';

/**
 * The busy flag and error of a screen's action: `run` sets busy while the action runs, keeps
 * what it throws in `error` (for an ErrorBanner) and resolves to undefined in that case.
 * A screen that loads on mount starts busy, so it says "loading" rather than "nothing here" before;
 * actions with their own busy flag can share one `error` (one banner for the screen).
 */
export function useAction(opts: { busy?: boolean; error?: Ref<unknown> } = {}) {
  const busy = ref(opts.busy ?? false);
  const error = opts.error ?? ref<unknown>(null);
  async function run<T>(action: () => Promise<T>): Promise<T | undefined> {
    busy.value = true;
    error.value = null;
    try {
      return await action();
    } catch (e) {
      error.value = e;
      return undefined;
    } finally {
      busy.value = false;
    }
  }
  return { busy, error, run };
}
