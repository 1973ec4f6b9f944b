import { Type, type Static } from 'typebox';
import { BALLOT_MODES } from '../domain/rules.ts';
import { PollBulletin } from './bulletin.ts';
import { IsoDate, Nullable, Uuid } from './common.ts';
import { Candidate } from './cycles.ts';
import { PaperFiguresSchema } from './paper.ts';
import { POLL_KINDS, POLL_STATUSES } from './polls.ts';

/**
 * The cycle archive's format. 3: polls carry their paper count (the two entries and the
 * confirmed figures) and the roll says who voted on paper. 4: an encrypted poll carries its
 * bulletin (docs/CRYPTO.md §"Bulletin"), which archive:verify runs verify:poll's checks on.
 * 5: `audit` is the cycle's own entries and the chain's length and head, no longer the whole
 * installation's chain (docs/OPERATIONS.md, "The archive's audit entries").
 */
export const ARCHIVE_FORMAT = 'piaojue-cycle-archive/5';

/** Read back from JSON, a stored timestamp is its ISO text. */
const At = IsoDate;
const closed = { additionalProperties: false } as const;

/**
 * The cycle archive (GET /api/cycles/:id/archive; `pnpm archive:verify` re-checks one offline,
 * docs/OPERATIONS.md). The cycle, poll, sign-off and audit rows are the database's as stored
 * (column names, timestamps as ISO text): the schema names the columns the verifier and the
 * record rely on and leaves room for others. The session, deputy, roll and box rows are chosen
 * column by column so that no credential, receipt or order of voting leaves the server
 * (docs/PROCEDURE.md, "Secret ballot"): those are closed, so a column added to them breaks the
 * contract instead of leaking.
 */
export const CycleArchive = Type.Object({
  format: Type.Literal(ARCHIVE_FORMAT),
  generatedAt: At,
  cycle: Type.Object({
    id: Uuid,
    name: Type.String(),
    year: Type.Integer(),
    level: Type.String(),
    choose_n: Type.Integer(),
    ballot_mode: Type.Enum(BALLOT_MODES),
    frozen_at: Nullable(At),
    frozen_hash: Nullable(Type.String()),
    freeze_decision: Nullable(Type.String()),
  }),
  candidates: Type.Array(Candidate),
  sessions: Type.Array(
    Type.Object(
      {
        session: Type.Object({ id: Uuid, cycle_id: Uuid, name: Type.String(), venue: Type.String(), checkin_open: Type.Boolean(), created_at: At }, closed),
        /** no phone, no login code */
        deputies: Type.Array(
          Type.Object({ id: Uuid, name: Type.String(), delegation: Type.String(), seat: Type.String(), checked_in_at: Nullable(At), checkin_method: Nullable(Type.Enum(['tablet', 'paper'])) }, closed),
        ),
      },
      closed,
    ),
  ),
  polls: Type.Array(
    Type.Object(
      {
        poll: Type.Object({
          id: Uuid,
          cycle_id: Uuid,
          session_id: Uuid,
          kind: Type.Enum(POLL_KINDS),
          status: Type.Enum(POLL_STATUSES),
          ballot_mode: Type.Enum(BALLOT_MODES),
          ballot_type: Type.String(),
          candidate_ids: Type.Array(Uuid),
          list_hash: Type.String(),
          seated: Nullable(Type.Integer()),
          present: Nullable(Type.Integer()),
          min_ballots: Type.Integer(),
          opened_at: Nullable(At),
          closed_at: Nullable(At),
          certified_at: Nullable(At),
          /** the stored result (PollResult or a rating's result); null until counted */
          result: Type.Unknown(),
        }),
        /** who was issued a ballot and who returned one (on paper or not) */
        roll: Type.Array(Type.Object({ deputy_id: Uuid, voted: Type.Boolean(), paper: Type.Boolean() }, closed)),
        /** a sealed poll's ballots sorted by content, without receipts; empty while open or if cancelled */
        box: Type.Array(Type.Object({ valid: Type.Boolean(), body: Type.Unknown() }, closed)),
        /** the published receipts, sorted, never paired with a ballot */
        trackers: Type.Array(Type.String()),
        signoffs: Type.Array(
          Type.Object({
            role: Type.Enum(['scrutineer', 'presidium']),
            decision: Type.Enum(['confirm', 'certify', 'reject']),
            deputy_id: Nullable(Uuid),
            user_id: Nullable(Type.String()),
            reason: Nullable(Type.String()),
            at: At,
          }),
        ),
        /** the two 计票人's entries and the 总监票人's confirmed figures: counts, never ballots */
        paper: Nullable(
          Type.Object(
            {
              entries: Type.Array(Type.Object({ entered_by: Type.String(), figures: PaperFiguresSchema, entered_at: At, amended_at: Nullable(At) }, closed)),
              count: Nullable(Type.Object({ figures: PaperFiguresSchema, confirmed_by: Type.String(), confirmed_at: At }, closed)),
            },
            closed,
          ),
        ),
        /** an encrypted poll's bulletin once sealed, else null */
        bulletin: Nullable(PollBulletin),
      },
      closed,
    ),
  ),
  /**
   * The cycle's own audit entries, not the installation's whole chain (which holds other
   * congresses' entries): each with the previous entry's hash as stored, so its own hash
   * recomputes; and the chain's length and last hash when the archive was built. A 主席团 decision
   * still awaiting signatures is left out until it settles. Which entries: archiveRepository.audit.
   */
  audit: Type.Object(
    {
      chain: Type.Object({ length: Type.Integer({ minimum: 0 }), head: Type.String() }, closed),
      entries: Type.Array(Type.Object({ seq: Type.Integer(), at: At, actor: Type.String(), action: Type.String(), subject: Type.String(), details: Type.Unknown(), prev_hash: Type.String(), hash: Type.String() })),
    },
    closed,
  ),
});
export type CycleArchive = Static<typeof CycleArchive>;
