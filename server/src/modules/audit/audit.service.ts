import type { Db, DbOrTx } from '../../db/database.ts';
import { canonicalJson, sha256 } from '../../lib/crypto.ts';
import { auditRepository } from './audit.repository.ts';

export const GENESIS = '0'.repeat(64);

export interface AuditEntry {
  actor: string;
  action: string;
  subject: string;
  details?: Record<string, unknown>;
}

export function entryHash(prevHash: string, e: { seq: number; at: string; actor: string; action: string; subject: string; details: unknown }) {
  return sha256(prevHash + canonicalJson({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, subject: e.subject, details: e.details }));
}

/**
 * Append-only, hash-chained record of who did what and when. Never a ballot's content.
 * Call inside the transaction that makes the change, so the record and the change commit together.
 * Handed the plain database (a record of a read, such as a download), it opens a transaction of its
 * own: the chain's lock is a transaction lock, so outside one the lock, the read of the last entry
 * and the insert run on whatever pooled connections and concurrent appends collide on a sequence
 * number.
 */
export async function appendAudit(trx: DbOrTx, e: AuditEntry): Promise<void> {
  if (!trx.isTransaction) {
    await trx.transaction().execute((own) => appendAudit(own, e));
    return;
  }
  await auditRepository.lockChain(trx);
  const last = await auditRepository.last(trx);
  const seq = last ? Number(last.seq) + 1 : 1;
  const prevHash = last?.hash ?? GENESIS;
  // Millisecond precision, so the stored value reads back identically for verification.
  const at = new Date(Math.floor(Date.now()));
  const details = e.details ?? {};
  const hash = entryHash(prevHash, { seq, at: at.toISOString(), actor: e.actor, action: e.action, subject: e.subject, details });
  await auditRepository.insert(trx, {
    seq,
    at,
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    details: canonicalJson(details),
    prev_hash: prevHash,
    hash,
  });
}

export interface ChainReport {
  ok: boolean;
  entries: number;
  /** First sequence number whose row does not match the chain. */
  brokenAt: number | null;
  reason: string | null;
}

export interface AuditRecord {
  seq: number | string;
  at: Date | string;
  actor: string;
  action: string;
  subject: string;
  details: unknown;
  prev_hash: string;
  hash: string;
}

/** Checks a run of entries (from the database or an archive) against the chain. */
export function verifyEntries(rows: Iterable<AuditRecord>, start = { prevHash: GENESIS, seq: 1 }): ChainReport & { prevHash: string; nextSeq: number } {
  let prevHash = start.prevHash;
  let expectedSeq = start.seq;
  let entries = 0;
  for (const r of rows) {
    const seq = Number(r.seq);
    const fail = (reason: string) => ({ ok: false, entries, brokenAt: seq, reason, prevHash, nextSeq: expectedSeq });
    if (seq !== expectedSeq) return fail(`sequence gap: expected ${expectedSeq}, found ${seq}`);
    if (r.prev_hash !== prevHash) return fail('prev_hash does not match the previous entry');
    const at = new Date(r.at).toISOString();
    if (entryHash(prevHash, { seq, at, actor: r.actor, action: r.action, subject: r.subject, details: r.details }) !== r.hash) {
      return fail('content does not match its hash (row altered)');
    }
    prevHash = r.hash;
    expectedSeq++;
    entries++;
  }
  return { ok: true, entries, brokenAt: null, reason: null, prevHash, nextSeq: expectedSeq };
}

/** The chain at a moment: how many entries it had and the last one's hash. */
export interface ChainHead {
  length: number;
  head: string;
}

/**
 * Checks entries picked out of the chain (a cycle archive's, in order of seq) without the others:
 * each recomputes to its own hash from its content and the previous entry's hash as stored, the
 * seqs rise strictly within the chain's length, two neighbours in the chain link (the later's
 * prev_hash is the earlier's hash), the first entry of the chain starts from GENESIS and the last
 * one of the chain is its head. It cannot see an entry left out between two picked ones, nor
 * prove that a picked entry's hash is the one the chain holds: only the whole chain proves that
 * (`pnpm audit:verify`, on the server, given the archive to compare).
 */
export function verifyExcerpt(rows: Iterable<AuditRecord>, chain: ChainHead): ChainReport {
  let before: { seq: number; hash: string } | null = null;
  let entries = 0;
  for (const r of rows) {
    const seq = Number(r.seq);
    const fail = (reason: string): ChainReport => ({ ok: false, entries, brokenAt: seq, reason });
    if (!Number.isInteger(seq) || seq < 1 || seq > chain.length) return fail(`seq ${String(r.seq)} outside the chain of ${chain.length} entries`);
    if (before && seq <= before.seq) return fail(`seq ${seq} does not follow ${before.seq}`);
    if (seq === 1 && r.prev_hash !== GENESIS) return fail('the first entry does not start from the genesis hash');
    if (before && seq === before.seq + 1 && r.prev_hash !== before.hash) return fail('prev_hash does not match the previous entry');
    const when = new Date(r.at);
    if (Number.isNaN(when.getTime())) return fail('its time does not read as a time');
    const at = when.toISOString();
    if (entryHash(r.prev_hash, { seq, at, actor: r.actor, action: r.action, subject: r.subject, details: r.details }) !== r.hash) {
      return fail('content does not match its hash (entry altered)');
    }
    if (seq === chain.length && r.hash !== chain.head) return fail('the chain\'s last entry is not its head');
    before = { seq, hash: r.hash };
    entries++;
  }
  return { ok: true, entries, brokenAt: null, reason: null };
}

export async function verifyAuditChain(db: Db): Promise<ChainReport> {
  let state = { prevHash: GENESIS, seq: 1 };
  let entries = 0;
  for (;;) {
    const rows = await auditRepository.page(db, state.seq - 1, 1000);
    if (rows.length === 0) break;
    const r = verifyEntries(rows, state);
    entries += r.entries;
    if (!r.ok) return { ok: false, entries, brokenAt: r.brokenAt, reason: r.reason };
    state = { prevHash: r.prevHash, seq: r.nextSeq };
  }
  return { ok: true, entries, brokenAt: null, reason: null };
}
