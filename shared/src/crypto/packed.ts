/**
 * The packed ballot (docs/CRYPTO.md §"Wire and tablet"): an encrypted ballot's group elements and
 * scalars, 32 bytes each, in the tracker's order — α, β of each slot, then c…, v… of each
 * statement's proof — as one base64url string without padding. It is what a tablet sends and what
 * the ballot box stores. The poll's statements fix how many elements there are and where each
 * one starts, so one length check is the shape check, and one string of ~5 kB costs the server's
 * event loop and PostgreSQL far less to read and store than ~100 strings in nested arrays. The
 * bulletin lists the same elements as EncryptedBallotJson.
 */
import { statements, slotCount, type EncryptedBallot, type PollContext, type PollSpec } from './ballot.ts';
import { parseBallotSlots, parseEncryptedBallot } from './bulletin.ts';
import type { Ciphertext } from './elgamal.ts';
import { encodeParts, fromB64, pointFromBytes, scalarFromBytes, toB64, type Scalar } from './group.ts';
import type { RangeProof } from './proofs.ts';

const EL = 32;

/** Where a packed ballot's parts lie: its slots, then each statement's proof of `branches[k]` branches. */
export interface PackedShape {
  slots: number;
  branches: number[];
  /** 32-byte elements in all */
  elements: number;
  /** characters of its base64url form */
  chars: number;
}

export function packedShape(spec: PollSpec): PackedShape {
  const slots = slotCount(spec);
  const branches = statements(spec).map((s) => s.allowed.length);
  const elements = 2 * slots + 2 * branches.reduce((n, b) => n + b, 0);
  return { slots, branches, elements, chars: Math.ceil((elements * EL * 4) / 3) };
}

/** The tablet's side: the ballot as one string. */
export function packBallot(ballot: EncryptedBallot): string {
  const parts: Uint8Array[] = [...ballot.slots.flatMap((s) => [s.a, s.b]), ...ballot.proofs.flatMap((p) => [...p.c, ...p.v])];
  const out = new Uint8Array(parts.length * EL);
  parts.forEach((p, i) => out.set(p, i * EL));
  return toB64(out);
}

/**
 * The packed ballot's bytes: exactly the poll's number of elements, in the one spelling of those
 * bytes (base64url without padding, the last character's unused bits zero); or null.
 */
export function packedBytes(shape: PackedShape, packed: unknown): Uint8Array | null {
  if (typeof packed !== 'string' || packed.length !== shape.chars) return null;
  const bytes = fromB64(packed);
  return bytes && bytes.length === shape.elements * EL && toB64(bytes) === packed ? bytes : null;
}

type Refusal = { ok: false; path: string; reason: string };
type Unpacked = { ok: true; ballot: EncryptedBallot } | Refusal;

/** A packed ballot's bytes and where they lie, or why it is not one (packedBytes). */
function unpacked(spec: PollSpec, packed: unknown): { shape: PackedShape; bytes: Uint8Array } | Refusal {
  const shape = packedShape(spec);
  const bytes = packedBytes(shape, packed);
  return bytes ? { shape, bytes } : { ok: false, path: '$', reason: `expected ${shape.chars} characters of base64url (${shape.elements} elements of 32 bytes)` };
}

const element = (bytes: Uint8Array, i: number) => bytes.subarray(i * EL, (i + 1) * EL);

/** The slots (the first 2 × slots elements), or the index of the first whose α or β is no group element. */
function readSlots(shape: PackedShape, bytes: Uint8Array): Ciphertext[] | number {
  const slots: Ciphertext[] = [];
  for (let i = 0; i < shape.slots; i++) {
    const a = pointFromBytes(element(bytes, 2 * i));
    const b = pointFromBytes(element(bytes, 2 * i + 1));
    if (!a || !b) return i;
    slots.push({ a, b });
  }
  return slots;
}

/** Decodes a packed ballot: every element a canonical group element or scalar. Whether it is a valid ballot is firstInvalidProof's question. */
export function unpackBallot(spec: PollSpec, packed: unknown): Unpacked {
  const u = unpacked(spec, packed);
  if (!('bytes' in u)) return u;
  const { shape, bytes } = u;
  const slots = readSlots(shape, bytes);
  if (typeof slots === 'number') return { ok: false, path: `$.slots[${slots}]`, reason: 'not a canonical ristretto255 element' };
  const proofs: RangeProof[] = [];
  let next = 2 * shape.slots;
  for (const [k, n] of shape.branches.entries()) {
    const read = (): Scalar[] | null => {
      const out: Scalar[] = [];
      for (let j = 0; j < n; j++) {
        const s = scalarFromBytes(element(bytes, next++));
        if (!s) return null;
        out.push(s);
      }
      return out;
    };
    const c = read();
    const v = c && read();
    if (!c || !v) return { ok: false, path: `$.proofs[${k}]`, reason: 'not a canonical scalar' };
    proofs.push({ c, v } as RangeProof);
  }
  return { ok: true, ballot: { slots, proofs } };
}

/** Only the ciphertexts of a packed ballot, for the sums (the proofs were checked when it came in); or null. */
export function packedSlots(spec: PollSpec, packed: unknown): Pick<EncryptedBallot, 'slots'> | null {
  const u = unpacked(spec, packed);
  if (!('bytes' in u)) return null;
  const slots = readSlots(u.shape, u.bytes);
  return typeof slots === 'number' ? null : { slots };
}

/**
 * A ballot as the box stores it: packed (a string), or, in rows written before ballots were
 * packed, as EncryptedBallotJson. The worker's check, the close's sums and the bulletin read it here.
 */
export function readStoredBallot(spec: PollSpec, body: unknown): Unpacked {
  return typeof body === 'string' ? unpackBallot(spec, body) : parseEncryptedBallot(body);
}

/** Only the ciphertexts of a stored ballot (readStoredBallot's two forms), for the sums; or null. */
export function storedSlots(spec: PollSpec, body: unknown): Pick<EncryptedBallot, 'slots'> | null {
  return typeof body === 'string' ? packedSlots(spec, body) : parseBallotSlots(body);
}

const templates = new WeakMap<PollContext, { bytes: Uint8Array; head: number }>();

/**
 * The tracker's hash input (ballotTracker's, byte for byte) of a packed ballot's bytes: the
 * encoded head, then each element as encodeParts encodes it (a 5-byte header, the 32 bytes). The
 * headers are laid out once per poll context; a cast only copies its elements in. Hashing the
 * result with any SHA-256 gives ballotTracker's value.
 */
export function packedTrackerInput(ctx: PollContext, bytes: Uint8Array): Uint8Array {
  const elements = bytes.length / EL;
  let t = templates.get(ctx);
  if (!t || (t.bytes.length - t.head) / (EL + 5) !== elements) {
    const headBytes = encodeParts(['piaojue/tracker/1', ctx.baseHash]);
    const header = encodeParts([new Uint8Array(EL)]).subarray(0, 5);
    const all = new Uint8Array(headBytes.length + elements * (EL + 5));
    all.set(headBytes);
    for (let i = 0; i < elements; i++) all.set(header, headBytes.length + i * (EL + 5));
    t = { bytes: all, head: headBytes.length };
    templates.set(ctx, t);
  }
  const out = t.bytes.slice();
  for (let i = 0; i < elements; i++) out.set(bytes.subarray(i * EL, (i + 1) * EL), t.head + i * (EL + 5) + 5);
  return out;
}
