import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ballotTracker, encryptBallot, firstInvalidProof, type PollSpec } from './ballot.ts';
import { encryptedBallotToJson, parseEncryptedBallot } from './bulletin.ts';
import { cryptoReady, toB64, toHex } from './group.ts';
import { packBallot, packedShape, packedSlots, packedTrackerInput, readStoredBallot, unpackBallot } from './packed.ts';
import { pollContext, randomChoice, runCeremony, type CeremonyRun, type TestSpec } from './testkit.ts';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest();
const KINDS = ['approve', 'choose', 'rank', 'rating'] as const;
const spec = (kind: PollSpec['kind']): TestSpec => ({ pollId: `poll-${kind}`, kind, candidates: 5, places: 3, allowAbstain: true, maxBallots: 50 });

let run: CeremonyRun;
beforeAll(async () => {
  await cryptoReady();
  run = runCeremony(3, 2);
});

describe('the packed ballot', () => {
  it('round-trips every ballot kind, and its shape is the poll\'s', () => {
    for (const kind of KINDS) {
      const ctx = pollContext(run, spec(kind));
      const ballot = encryptBallot(ctx, randomChoice(ctx.spec, Math.random));
      const packed = packBallot(ballot);
      const shape = packedShape(ctx.spec);
      expect(packed.length, kind).toBe(shape.chars);
      expect(shape.elements).toBe(2 * ballot.slots.length + ballot.proofs.reduce((n, p) => n + p.c.length + p.v.length, 0));
      const back = unpackBallot(ctx.spec, packed);
      expect(back.ok).toBe(true);
      if (!back.ok) continue;
      expect(encryptedBallotToJson(back.ballot)).toEqual(encryptedBallotToJson(ballot));
      expect(firstInvalidProof(ctx, back.ballot)).toBeNull();
      expect(packedSlots(ctx.spec, packed)).toEqual({ slots: ballot.slots });
      // the rows stored before packing still read
      expect(readStoredBallot(ctx.spec, encryptedBallotToJson(ballot))).toEqual(parseEncryptedBallot(encryptedBallotToJson(ballot)));
      expect(readStoredBallot(ctx.spec, packed)).toEqual(back);
    }
  });

  it('hashes, element by element, to ballotTracker (the server copies the elements into packedTrackerInput)', () => {
    for (const kind of KINDS) {
      const ctx = pollContext(run, spec(kind));
      const ballot = encryptBallot(ctx, randomChoice(ctx.spec, Math.random));
      const bytes = Buffer.from(packBallot(ballot), 'base64url');
      expect(toHex(sha256(packedTrackerInput(ctx, bytes))), kind).toBe(ballotTracker(ctx, ballot));
      // twice from the same template, and one element moved is another hash
      expect(toHex(sha256(packedTrackerInput(ctx, bytes)))).toBe(ballotTracker(ctx, ballot));
      const moved = Buffer.concat([bytes.subarray(32, 64), bytes.subarray(0, 32), bytes.subarray(64)]);
      expect(toHex(sha256(packedTrackerInput(ctx, moved)))).not.toBe(ballotTracker(ctx, ballot));
    }
  });

  it('refuses another length, another spelling of the same bytes, foreign characters, and bytes that are not elements', () => {
    const ctx = pollContext(run, spec('approve'));
    const packed = packBallot(encryptBallot(ctx, randomChoice(ctx.spec, Math.random)));
    const bytes = Buffer.from(packed, 'base64url');
    const last = packed.at(-1)!;
    // the final character carries the last byte's remaining bits and 2 or 4 unused (zero) bits: set the lowest
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    expect(packed.length % 4).not.toBe(0);
    const respelt = packed.slice(0, -1) + ALPHABET[ALPHABET.indexOf(last) + 1]!;
    expect(Buffer.from(respelt, 'base64url')).toEqual(bytes);
    const wrongPoint = Buffer.from(bytes);
    wrongPoint.fill(0xff, 0, 32);
    const wrongScalar = Buffer.from(bytes);
    const proofsAt = 2 * packedShape(ctx.spec).slots * 32;
    wrongScalar.fill(0xff, proofsAt, proofsAt + 32);
    const cases: [string, unknown, string][] = [
      ['one character short', packed.slice(0, -1), '$'],
      ['one element more', packed + packed.slice(0, 43), '$'],
      ['padded', `${packed}=`, '$'],
      ['another spelling of the same bytes', respelt, '$'],
      ['a character of standard base64', `+${packed.slice(1)}`, '$'],
      ['a space', ` ${packed.slice(1)}`, '$'],
      ['not a string', { slots: [] }, '$'],
      ['α of slot 0 is no group element', toB64(wrongPoint), '$.slots[0]'],
      ['a scalar of proof 0 is not reduced', toB64(wrongScalar), '$.proofs[0]'],
    ];
    for (const [name, value, path] of cases) {
      const r = unpackBallot(ctx.spec, value);
      expect(r.ok, name).toBe(false);
      if (!r.ok) expect(r.path, name).toBe(path);
    }
    expect(packedSlots(ctx.spec, respelt)).toBeNull();
  });
});
