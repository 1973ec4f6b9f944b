import { ref } from 'vue';

/**
 * The busy flag and error of a screen's action: `run` sets busy while the action runs, keeps
 * what it throws in `error` (for an ErrorBanner) and resolves to undefined in that case.
 * A screen that loads on mount starts busy, so it says "loading" rather than "nothing here" before.
 */
export function useAction(opts: { busy?: boolean } = {}) {
  const busy = ref(opts.busy ?? false);
  const error = ref<unknown>(null);
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
