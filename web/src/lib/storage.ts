import type { KeyValueStorage } from './castQueue.ts';

const memory = new Map<string, string>();
const memoryStorage: KeyValueStorage = {
  getItem: (k) => memory.get(k) ?? null,
  setItem: (k, v) => void memory.set(k, v),
  removeItem: (k) => void memory.delete(k),
};

/** localStorage/sessionStorage, falling back to memory where storage is blocked. */
export function safeStorage(kind: 'local' | 'session'): KeyValueStorage {
  try {
    const s = kind === 'local' ? window.localStorage : window.sessionStorage;
    const probe = '__piaojue_probe__';
    s.setItem(probe, '1');
    s.removeItem(probe);
    return s;
  } catch {
    return memoryStorage;
  }
}
