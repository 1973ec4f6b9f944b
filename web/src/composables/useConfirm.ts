/** Promise-based confirmation dialogs; one host component renders them (ConfirmHost). */
import { shallowRef } from 'vue';

export interface ConfirmOptions {
  title: string;
  message?: string;
  confirmText?: string;
  cancelText?: string;
  danger?: boolean;
  /** ask for a text (e.g. a reason); the promise then resolves with it */
  input?: { label: string; required?: boolean; multiline?: boolean };
}

interface Pending extends ConfirmOptions {
  resolve: (v: string | boolean | null) => void;
}

export const confirmState = shallowRef<Pending | null>(null);

export function confirm(opts: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    confirmState.value?.resolve(null);
    confirmState.value = { ...opts, input: undefined, resolve: (v) => resolve(v === true) };
  });
}

export function prompt(opts: ConfirmOptions & { input: NonNullable<ConfirmOptions['input']> }): Promise<string | null> {
  return new Promise((resolve) => {
    confirmState.value?.resolve(null);
    confirmState.value = { ...opts, resolve: (v) => resolve(typeof v === 'string' ? v : null) };
  });
}

export function settle(v: string | boolean | null): void {
  const p = confirmState.value;
  confirmState.value = null;
  p?.resolve(v);
}
