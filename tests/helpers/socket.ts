import WebSocket from 'ws';

/**
 * A websocket client that records every message with its arrival time (Date.now()) and can wait
 * for one matching a predicate. `headers` may carry an Origin, as a browser's would.
 */
export function wsClient(url: string, cookie?: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers: { ...headers, ...(cookie ? { cookie: `pj_session=${cookie}` } : {}) } });
  const messages: { at: number; m: any }[] = [];
  const waiters: { pred: (m: any) => boolean; resolve: (m: any) => void }[] = [];
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
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    messages,
    opened,
    send: (m: unknown) => ws.send(JSON.stringify(m)),
    /** The first message (arrived at or after `since`, a Date.now() value) matching `pred`. */
    waitFor(pred: (m: any) => boolean, ms = 10_000, since = 0): Promise<any> {
      const found = messages.find((x) => x.at >= since && pred(x.m));
      if (found) return Promise.resolve(found.m);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms; last messages ${JSON.stringify(messages.slice(-5).map((x) => x.m)).slice(0, 1500)}`)), ms);
        waiters.push({ pred, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
    close: () => ws.terminate(),
  };
}

export type TestSocket = ReturnType<typeof wsClient>;
