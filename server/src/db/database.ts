import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './types.ts';

// count(*) and bigint come back as strings by default; every count we keep fits in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => v);

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Repositories take either the pool-backed instance or a transaction. */
export type DbOrTx = Db | Tx;

/**
 * Server-side prepared statements, chosen by use. PostgreSQL plans a query anew every time it is
 * sent unnamed; for the portal's tracking look-up that planning cost 0.8 of the 1 ms the query
 * took (pgbench -M extended vs -M prepared on the same query). A statement text used
 * PREPARE_AFTER times in this process gets a name, and each pooled connection prepares it once
 * and from then on only binds values. Kysely sends the same text for the same query shape, so
 * the hot paths are prepared without naming them in the code. At most MAX_PREPARED texts get
 * names (query shapes that vary, like IN lists of every length, stop getting names there), so
 * a connection's prepared statements stay bounded. Transaction control and utility statements
 * are never named.
 */
export class StatementNames {
  private readonly uses = new Map<string, number>();
  private readonly names = new Map<string, string>();

  constructor(
    private readonly prepareAfter = 3,
    private readonly maxPrepared = 400,
    private readonly maxTracked = 5000,
  ) {}

  get preparedCount(): number {
    return this.names.size;
  }

  nameFor(text: string): string | undefined {
    const named = this.names.get(text);
    if (named !== undefined) return named;
    if (this.names.size >= this.maxPrepared || UNPREPARED.test(text)) return undefined;
    const n = (this.uses.get(text) ?? 0) + 1;
    if (n < this.prepareAfter) {
      if (this.uses.size < this.maxTracked) this.uses.set(text, n);
      return undefined;
    }
    this.uses.delete(text);
    const name = `pj_${this.names.size + 1}`;
    this.names.set(text, name);
    return name;
  }
}

const UNPREPARED = /^\s*(begin|start|commit|rollback|savepoint|release|set|reset|listen|unlisten|notify|vacuum|analyze|lock|create|alter|drop|truncate|copy|do)\b/i;

function preparingClient(names: StatementNames): typeof pg.Client {
  return class PreparingClient extends pg.Client {
    // Kysely calls query(text, values); everything else passes through untouched.
    override query(...args: unknown[]): any {
      const [text, values, callback] = args;
      if (typeof text === 'string' && Array.isArray(values) && callback === undefined) {
        const name = names.nameFor(text);
        if (name !== undefined) return super.query({ name, text, values });
      }
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
  } as typeof pg.Client;
}

export function createDb(url: string, poolSize: number): { db: Db; pool: pg.Pool } {
  const pool = new pg.Pool({
    Client: preparingClient(new StatementNames()),
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    // Keep a stuck statement from holding a request forever.
    statement_timeout: 30_000,
  });
  // A dropped connection (e.g. the database restarting) must not crash the process: the pool
  // listens on idle clients, and each client keeps a listener of its own for the moments it is
  // checked out between two statements (its queries still fail and are answered as 503).
  pool.on('error', () => undefined);
  pool.on('connect', (client) => void client.on('error', () => undefined));
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), pool };
}

interface Waiting<I, O> {
  item: I;
  resolve(value: O): void;
  reject(err: unknown): void;
}

/**
 * Sends calls that arrive together as one query. The first call goes out on the next turn of
 * the event loop; calls made while `maxInFlight` batches are at the database wait and then go
 * together, so a quiet system pays no delay and a busy one pays one round trip, one parse and
 * one commit for many requests instead of one each. Nothing is kept between batches: each call
 * reads what the database holds after the call was made.
 *
 * `run` answers every item, in order: a value, or an Error for that item alone.
 */
export class Batcher<I, O> {
  private queue: Waiting<I, O>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (items: I[]) => Promise<(O | Error)[]>,
    private readonly maxBatch = 200,
    private readonly maxInFlight = 2,
  ) {}

  get idle(): boolean {
    return this.queue.length === 0 && this.inFlight === 0 && !this.scheduled;
  }

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.kick();
    });
  }

  private kick() {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush() {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      this.run(batch.map((w) => w.item))
        .then(
          (results) => {
            batch.forEach((w, i) => {
              const r = results[i];
              if (r instanceof Error) w.reject(r);
              else w.resolve(r as O);
            });
          },
          (err: unknown) => {
            for (const w of batch) w.reject(err);
          },
        )
        .finally(() => {
          this.inFlight--;
          this.kick();
        });
    }
  }
}
