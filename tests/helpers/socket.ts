import WebSocket from 'ws';
import type { App } from '../../server/src/app.ts';

/** The host an injected socket says it reaches, and so the Origin of this server's own pages. */
export const INJECTED_HOST = 'piaojue.test';
export const INJECTED_ORIGIN = `http://${INJECTED_HOST}`;

/**
 * A websocket client that records every message with its arrival time (Date.now()) and can wait
 * for one matching a predicate. Given the app, the socket is injected (app.injectWS: no port, the
 * same upgrade route and hooks); given a ws:// URL, it connects over TCP, for a server in another
 * process. `headers` may carry an Origin, as a browser's would.
 */
export function wsClient(target: App | string, cookie?: string, headers: Record<string, string> = {}) {
  const sent = { ...headers, ...(cookie ? { cookie: `pj_session=${cookie}` } : {}) };
  const messages: { at: number; m: any }[] = [];
  const waiters: { pred: (m: any) => boolean; resolve: (m: any) => void }[] = [];
  let socket: WebSocket | undefined;
  const attach = (ws: WebSocket) => {
    socket = ws;
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString());
      messages.push({ at: Date.now(), m });
      for (const w of [...waiters])
        if (w.pred(m)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
    });
    ws.on('error', () => undefined);
  };
  let opened: Promise<void>;
  if (typeof target === 'string') {
    const ws = new WebSocket(target, { headers: sent });
    attach(ws);
    opened = new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  } else {
    // injectWS hands over its socket (onInit) before the upgrade is answered, as `new WebSocket` does.
    opened = target.injectWS('/api/ws', { headers: { host: INJECTED_HOST, ...sent } }, { onInit: attach }).then(() => undefined);
  }
  return {
    get ws(): WebSocket {
      return socket!;
    },
    messages,
    opened,
    send: (m: unknown) => socket!.send(JSON.stringify(m)),
    /** The first message (arrived at or after `since`, a Date.now() value) matching `pred`. */
    waitFor(pred: (m: any) => boolean, ms = 10_000, since = 0): Promise<any> {
      const found = messages.find((x) => x.at >= since && pred(x.m));
      if (found) return Promise.resolve(found.m);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms; last messages ${messages.slice(-5).map((x) => JSON.stringify(x.m).slice(0, 400)).join(' | ')}`)), ms);
        waiters.push({ pred, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
    close: () => socket!.terminate(),
  };
}

export type TestSocket = ReturnType<typeof wsClient>;

/**
 * The turnout a hall-topic event carries. A cast moves it by a turnout event, or inside a whole
 * hall state when a state change (a poll's open, say) was still pending: the hub then sends the
 * newer state instead, so a test waiting for a move must accept both.
 */
export function turnoutOf(m: any): { pollId: string; issued: number; voted: number } | undefined {
  if (m?.type !== 'event') return undefined;
  if (m.event.kind === 'turnout') return m.event.turnout;
  return m.event.kind === 'hall' ? m.event.state.poll?.turnout : undefined;
}
