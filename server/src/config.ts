import { isIP } from 'node:net';
import path from 'node:path';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  /** Any PostgreSQL ≥ 15. Unset: an embedded PostgreSQL with its data under DATA_DIR/pg. */
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  EMBEDDED_PG_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 54329 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  /** The address people type or scan (seat-card QR codes, setup link). Defaults to http://HOST:PORT. */
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /**
   * The reverse proxies in front of the server, whose X-Forwarded-For / -Host / -Proto are
   * believed: comma-separated addresses or CIDR ranges, or loopback / linklocal / uniquelocal.
   * Unset: none, and every request's address is the connection's (behind a proxy that would put
   * every citizen under the proxy's rate limit).
   */
  TRUST_PROXY: Type.Optional(Type.String({ pattern: '^\\s*[0-9A-Za-z.:/]+(\\s*,\\s*[0-9A-Za-z.:/]+)*\\s*$', maxLength: 1000 })),
  /** Mark cookies Secure; set when the server is reached through TLS. */
  COOKIE_SECURE: Type.Boolean({ default: false }),
  /**
   * The secret under which deputies' login codes are hashed (32+ characters). Unset: a key
   * file DATA_DIR/login-code.key made on first start. Instances that share a database must
   * share this key (set it on each of them).
   */
  LOGIN_CODE_KEY: Type.Optional(Type.String({ minLength: 32, maxLength: 1000 })),
  /** Hours a login stays valid. */
  SESSION_HOURS: Type.Number({ exclusiveMinimum: 0, default: 12 }),
  /**
   * Login attempts per client address per minute, staff passwords, deputy codes and first setup
   * counted together. A hall's tablets often share one NAT address: the default lets 3,000
   * tablets all log in twice within one minute. Each account or code also backs off on its own
   * after 5 failures (SECURITY.md).
   */
  LOGIN_RATE_PER_MINUTE: Type.Integer({ minimum: 1, default: 6000 }),
  /**
   * A department's progress-report attachment marked public shows on the public site only after
   * staff review it (console 实施跟踪). false: it shows at once, as the department marked it.
   */
  TRACKING_PUBLIC_REVIEW: Type.Boolean({ default: true }),
  DB_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  /**
   * Worker threads that check encrypted ballots' proofs (server/src/lib/proof-pool.ts). Unset: one
   * per core. The checks run after the ack, so fewer workers delay the count, never the tablets.
   */
  PROOF_WORKERS: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
  /**
   * Their nice value on Linux (0–19): above 0 the tablets' acks and PostgreSQL get the CPU first
   * and the checks take what is left (a ballot's check can wait, an ack cannot).
   */
  PROOF_WORKERS_NICE: Type.Integer({ minimum: 0, maximum: 19, default: 19 }),
  /** Where the built web client lives; the server serves it when present. */
  WEB_DIST: Type.String({ default: 'web/dist' }),
});

export type Config = Static<typeof ConfigSchema> & { publicUrl: string; dataDir: string };

export class ConfigError extends Error {}

/** Reads and validates the environment once at boot; an invalid setting stops the start. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.properties)) {
    const v = env[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  const converted = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, raw));
  if (!Value.Check(ConfigSchema, converted)) {
    const errors = [...Value.Errors(ConfigSchema, converted)].map((e) => `${e.instancePath || '/'} ${e.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${errors.join('\n  ')}`);
  }
  const cfg = converted as Static<typeof ConfigSchema>;
  for (const entry of (cfg.TRUST_PROXY ?? '').split(',').map((a) => a.trim()).filter(Boolean)) {
    const [addr, bits, ...rest] = entry.split('/');
    const named = ['loopback', 'linklocal', 'uniquelocal'].includes(entry);
    const version = isIP(addr ?? '');
    const max = version === 4 ? 32 : 128;
    if (!named && (version === 0 || rest.length > 0 || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max)))) {
      throw new ConfigError(`Invalid configuration:\n  /TRUST_PROXY ${JSON.stringify(entry)} is not an address, a CIDR range, loopback, linklocal or uniquelocal`);
    }
  }
  const shownHost = cfg.HOST === '0.0.0.0' || cfg.HOST === '::' ? 'localhost' : cfg.HOST;
  return {
    ...cfg,
    dataDir: path.resolve(cfg.DATA_DIR),
    publicUrl: (cfg.PUBLIC_URL ?? `http://${shownHost}:${cfg.PORT}`).replace(/\/$/, ''),
  };
}
