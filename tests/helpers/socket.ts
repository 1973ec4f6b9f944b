import WebSocket from 'ws';

/** A websocket client that records every message and can wait for one matching a predicate. */
export function connect(url: string, cookie?: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers: { ...headers, ...(cookie ? { cookie: `pj_session=${cookie}` } : {}) } });
  const messages: any[] = [];
  const waiters: { pred: (m: any) => boolean; resolve: (m: any) => void }[] = [];
  ws.on('message', (raw) => {
    const m = JSON.parse(raw.toString());
    messages.push(m);
    for (const w of [...waiters]) if (w.pred(m)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(m);
    }
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    messages,
    opened,
    send: (m: unknown) => ws.send(JSON.stringify(m)),
    waitFor(pred: (m: any) => boolean, ms = 5000): Promise<any> {
      const found = messages.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out; got ${JSON.stringify(messages).slice(0, 2000)}`)), ms);
        waiters.push({ pred, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
    close: () => ws.close(),
  };
}

export type TestSocket = ReturnType<typeof connect>;
