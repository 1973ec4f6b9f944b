/**
 * What a 监票人's tablet keeps of the key ceremony (docs/CRYPTO.md §"Key ceremony messages"):
 * its polynomial's coefficients until round 3, then its share s_ℓ, keyed by ceremony id so a
 * reload (or a restarted ceremony) finds the right one. None of it ever leaves the device except
 * as the printed backup for the sealed envelope, offered once (`exported`).
 */
import type { CeremonyCommitment, CeremonyStatus } from '@piaojue/shared';
import type { KeyValueStorage } from './castQueue.ts';

export interface GuardianRecord {
  ceremonyId: string;
  deputyId: string;
  index: number;
  /** base64url scalars a_ℓj; erased once the share is computed */
  coefficients: string[] | null;
  /** the round-1 message as sent, so a retry sends the same one */
  commitment: CeremonyCommitment | null;
  /** base64url s_ℓ, after round 3 or a restore from the backup */
  share: string | null;
  /** the printed backup was shown: it is not offered again */
  exported: boolean;
}

const PREFIX = 'piaojue.guardian.';

export function loadGuardian(storage: KeyValueStorage, ceremonyId: string, deputyId: string): GuardianRecord | null {
  try {
    const r = JSON.parse(storage.getItem(PREFIX + ceremonyId) ?? 'null') as GuardianRecord | null;
    if (!r || r.ceremonyId !== ceremonyId || r.deputyId !== deputyId || !Number.isInteger(r.index)) return null;
    return r;
  } catch {
    return null;
  }
}

export function saveGuardian(storage: KeyValueStorage, r: GuardianRecord): void {
  storage.setItem(PREFIX + r.ceremonyId, JSON.stringify(r));
}

/** What the tablet of 监票人 `deputyId` has to do next in this ceremony. */
export type GuardianAction =
  /** not a 监票人 of this ceremony, or no ceremony */
  | 'none'
  | 'commit'
  | 'share'
  | 'confirm'
  /** waiting for the other 监票人 */
  | 'wait'
  /** complete and this tablet holds the share */
  | 'done'
  /** complete, but this tablet has no share: restore it from the printed backup */
  | 'restore'
  /** the ceremony is running but this tablet lost what it generated: staff restart it */
  | 'lost'
  | 'failed';

export function guardianAction(status: CeremonyStatus | null, deputyId: string, record: GuardianRecord | null): GuardianAction {
  const me = status?.guardians.find((g) => g.deputyId === deputyId);
  if (!status || !me) return 'none';
  if (status.status === 'failed') return 'failed';
  if (status.status === 'complete') return record?.share ? 'done' : 'restore';
  const everyone = (round: number) => status.guardians.every((g) => g.round >= round);
  switch (me.round) {
    case 0:
      return 'commit';
    case 1:
      if (!record?.coefficients) return 'lost';
      return everyone(1) ? 'share' : 'wait';
    case 2:
      if (!record?.coefficients && !record?.share) return 'lost';
      return everyone(2) ? 'confirm' : 'wait';
    default:
      return 'wait';
  }
}

/** Where each 监票人 stands, for the progress list: 0 = not started … 3 = confirmed. */
export const ceremonyRounds = (status: CeremonyStatus | null): { index: number; name: string; round: number }[] =>
  status?.guardians.map((g) => ({ index: g.index, name: g.name, round: g.round })) ?? [];
