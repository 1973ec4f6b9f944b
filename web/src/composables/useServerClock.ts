/** Offset between the server clock and ours, so countdowns agree on every screen. */
import { onScopeDispose, ref } from 'vue';

const offsetMs = ref(0);

export function noteServerTime(serverTimeIso: string, receivedAt: number = Date.now()): void {
  const t = Date.parse(serverTimeIso);
  if (Number.isFinite(t)) offsetMs.value = t - receivedAt;
}

export function serverNow(): number {
  return Date.now() + offsetMs.value;
}

/** A reactive server-time clock ticking every `ms`. */
export function useServerNow(ms = 250) {
  const now = ref(serverNow());
  const h = setInterval(() => (now.value = serverNow()), ms);
  onScopeDispose(() => clearInterval(h));
  return now;
}
