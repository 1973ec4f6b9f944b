import pg from 'pg';
import { CHANNEL, type ChangeNotice, type EndedNotice } from './notify.ts';

/**
 * Holds one LISTEN connection and hands every change notice to `onNotice`, every ended-logins
 * notice to `onEnded`. If the connection drops
 * (the database restarted), it reconnects with backoff and calls `onReconnect`, since notices
 * sent meanwhile are lost.
 */
export class NoticeListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly onNotice: (n: ChangeNotice) => void,
    private readonly onReconnect: () => void,
    private readonly log: { warn(o: unknown, m?: string): void; info(o: unknown, m?: string): void },
    private readonly onEnded: (n: EndedNotice) => void,
  ) {}

  async start(): Promise<void> {
    await this.connect(0);
  }

  private async connect(attempt: number): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.url, keepAlive: true });
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      try {
        const n = JSON.parse(msg.payload) as Partial<ChangeNotice & EndedNotice>;
        if (typeof n.sessionId === 'string') this.onNotice(n as ChangeNotice);
        else if (Array.isArray(n.ended)) this.onEnded(n as EndedNotice);
      } catch {
        // Not ours; ignore.
      }
    });
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      client.end().catch(() => undefined);
      this.later(1);
    };
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      this.client = client;
      if (attempt > 0) {
        this.log.info({}, 'LISTEN connection restored');
        this.onReconnect();
      }
    } catch (err) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      if (attempt === 0) throw err;
      this.later(attempt + 1);
    }
  }

  private later(attempt: number) {
    if (this.stopped || this.retry) return;
    const delay = Math.min(5000, 200 * 2 ** Math.min(attempt, 5));
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.stopped) return;
      // Said when the reconnect begins, not when the connection drops: on Ctrl+C PostgreSQL gets
      // the signal with us and drops the connection just before a clean stop.
      if (attempt === 1) this.log.warn({}, 'LISTEN connection lost; reconnecting');
      void this.connect(attempt);
    }, delay);
    this.retry.unref?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = null;
    if (c) await c.end().catch(() => undefined);
  }
}
