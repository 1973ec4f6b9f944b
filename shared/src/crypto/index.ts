/**
 * Encrypted ballots (threshold ElGamal on ristretto255, ElectionGuard 2.0-style proofs): the
 * public API for the server, the tablets and the offline verifier. A separate entry point
 * (`@piaojue/shared/crypto`) so pages that never encrypt do not load the WASM library.
 * See docs/CRYPTO.md.
 */
export { cryptoReady, GROUP_NAME, isIdentity, type Point, type Scalar } from './group.ts';
export type { Ciphertext } from './elgamal.ts';
export type { RangeProof, SimpleProof } from './proofs.ts';
export {
  ceremonyHash, checkParams, encryptShares, exportShareBackup, finishGuardian, importShareBackup, jointKey,
  keyFingerprint, openShare, publicShareKey, startGuardian, verifyCommitment,
  type CeremonyParams, type EncryptedShare, type FinishResult, type GuardianCommitment, type GuardianSecret,
} from './ceremony.ts';
export {
  ballotTracker, bindsList, candidateListDigest, checkSpec, choiceFromBody, CRYPTO_BALLOT_KINDS, encryptBallot, firstInvalidProof, packingBase, pollBaseHash,
  rankPositions, slotCount, slotValues, statements, tallySlotCount, trackerDisplay,
  type BallotCandidate, type CryptoBallotKind, type EncryptedBallot, type PlainChoice, type PollContext, type PollSpec, type Statement,
} from './ballot.ts';
export {
  combinePartials, decodeCounts, firstBadShare, lagrangeAtZero, partialDecrypt, recoverCounts, sumBallots, addToSums, warmSmallLogs, slotBound,
  type PartialDecryption, type PollCounts,
} from './tally.ts';
export {
  buildBulletin, BULLETIN_FORMAT, BULLETIN_VERSION, bulletinToJson, ciphertextsToJson, commitmentToJson, encryptedBallotToJson, parseBulletin, parseCommitment,
  parseBallotSlots, parseCiphertexts, parseEncryptedBallot, parsePartialDecryption, parsePoint, parseScalar, parseShare, partialToJson, pointToB64, scalarToB64, shareToJson,
  pollContextOf, type Bulletin, type BulletinInput, type BulletinJson, type EncryptedBallotJson,
} from './bulletin.ts';
export { countsAddition, paperProblems, resultOfCounts, type BulletinRules, type PollOutcome } from './result.ts';
export { verifyBulletin, VERIFY_FAILURES, type VerifyFailure, type VerifyFailureCode, type VerifyReport } from './verify.ts';
export { packBallot, packedBytes, packedShape, packedSlots, packedTrackerInput, readStoredBallot, storedSlots, unpackBallot, type PackedShape } from './packed.ts';
