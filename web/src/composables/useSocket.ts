/**
 * One websocket per page, shared by every live screen. subscribe() returns its own
 * unsubscribe; components call it in onMounted/onBeforeUnmount (or use subscribeScoped).
 */
import { onScopeDispose, readonly, ref, watch, type Ref } from 'vue';
import { SocketClient, type ConnectionState, type SocketLike, type TopicHandler, type VerificationNotice } from './socketCore.ts';
import { noteServerTime } from './useServerClock.ts';

let client: SocketClient | null = null;
const state = ref<ConnectionState>('connecting');

function socketUrl(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/api/ws`;
}

function getClient(): SocketClient {
  if (client) return client;
  const c = new SocketClient({
    url: socketUrl(),
    create: (url) => new WebSocket(url) as unknown as SocketLike,
    onServerTime: noteServerTime,
  });
  c.onState((s) => (state.value = s));
  window.addEventListener('online', () => c.setBrowserOnline(true));
  window.addEventListener('offline', () => c.setBrowserOnline(false));
  c.start();
  client = c;
  return c;
}

/** Proof-check failures of ballots cast over this page's socket (encrypted polls). */
export function onVerification(listener: (n: VerificationNotice) => void): () => void {
  return getClient().onVerification(listener);
}

/** The page's socket for casting, if a live screen has opened one (the tablet's has). */
export function castSocket(): SocketClient | null {
  return client;
}

export function useSocket(): {
  state: Readonly<Ref<ConnectionState>>;
  subscribe: (topic: string, handler: TopicHandler, opts?: { displayKey?: string }) => () => void;
} {
  return {
    state: readonly(state),
    subscribe: (topic, handler, opts) => getClient().subscribe(topic, handler, opts),
  };
}

/** Subscribe for the lifetime of the calling component; follows the topic getter. */
export function useTopic(topic: () => string | null, handler: TopicHandler, opts: { displayKey?: string } = {}): Readonly<Ref<ConnectionState>> {
  const { subscribe } = useSocket();
  let off: (() => void) | null = null;
  watch(
    topic,
    (t) => {
      off?.();
      off = t ? subscribe(t, handler, opts) : null;
    },
    { immediate: true },
  );
  onScopeDispose(() => off?.());
  return readonly(state);
}
