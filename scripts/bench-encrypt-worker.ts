// A worker thread of `pnpm bench:ballots --encrypted`: encrypts the simulated tablets' ballots
// before the storm (bench-ballots-encrypted.ts), so their CPU does not land in the server's
// measurement. Loaded through tsx's require hook: no top-level await, no import.meta.
import { parentPort } from 'node:worker_threads';
import {
  choiceFromBody, cryptoReady, encryptBallot, packBallot, parsePoint, pollContextOf,
  type CeremonyParams, type PollSpec,
} from '@piaojue/shared/crypto';

export interface EncryptJob {
  params: CeremonyParams;
  spec: PollSpec;
  jointKey: string;
  candidateIds: string[];
  /** approve ballot bodies' marks, as the tablet sends them */
  ballots: Record<string, 'for' | 'against' | 'abstain'>[];
}

const port = parentPort;
if (!port) throw new Error('bench-encrypt-worker.ts runs only as a worker thread');

port.on('message', (job: EncryptJob) => {
  void cryptoReady().then(() => {
    const jointKey = parsePoint(job.jointKey);
    if (!jointKey) throw new Error('the joint key does not parse');
    const ctx = pollContextOf({ params: job.params, spec: job.spec, jointKey });
    const out = job.ballots.map((marks) => {
      const started = performance.now();
      // packed, as the tablet sends it (sealBallot)
      const packed = packBallot(encryptBallot(ctx, choiceFromBody({ type: 'approve', marks }, job.candidateIds)));
      return { packed, ms: performance.now() - started };
    });
    port.postMessage(out);
  });
});
