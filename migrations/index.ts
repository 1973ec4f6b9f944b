import type { Migration } from 'kysely';
import * as m0001 from './2026_11_27_0001_voting_core.ts';
import * as m0002 from './2026_11_27_0002_proposals.ts';
import * as m0003 from './2026_11_27_0003_certification_rating.ts';
import * as m0004 from './2026_11_27_0004_tracking.ts';
import * as m0005 from './2026_11_27_0005_cycle_freeze_guard.ts';
import * as m0006 from './2026_11_27_0006_portal_hot_paths.ts';
import * as m0007 from './2026_11_27_0007_box_guard_per_statement.ts';
import * as m0008 from './2026_12_04_0008_after_the_vote.ts';
import * as m0101 from './2026_12_04_0101_login_security.ts';
import * as m0102 from './2026_12_04_0102_sessions_ended_notice.ts';
import * as m0115 from './2026_12_04_0115_similarity_lexicon.ts';
import * as m0130 from './2026_12_04_0130_no_citizen_survey.ts';
import * as m0140 from './2026_12_04_0140_ballot_secrecy.ts';
import * as m2230 from './2026_12_04_2230_scrutineers.ts';
import * as m2300 from './2026_12_04_2300_rectify_basic.ts';
import * as m2345 from './2026_12_04_2345_key_ceremony.ts';
import * as m2350 from './2026_12_04_2350_paper_ballots.ts';
import * as m2355 from './2026_12_04_2355_voting_rules.ts';
import * as m0400 from './2026_12_05_0400_encrypted_ballots.ts';
import * as m0447 from './2026_12_05_0447_presiding_chair.ts';
import * as m0452 from './2026_12_05_0452_notice_numbers.ts';
import * as m0458 from './2026_12_05_0458_presidium_decisions.ts';
import * as m2300s from './2026_12_05_2300_presidium_signatures.ts';
import * as m0100p from './2026_12_06_0100_packed_ballots.ts';

/** Every migration, by name, in order. Add new files here. */
export const migrations: Record<string, Migration> = {
  '2026_11_27_0001_voting_core': m0001,
  '2026_11_27_0002_proposals': m0002,
  '2026_11_27_0003_certification_rating': m0003,
  '2026_11_27_0004_tracking': m0004,
  '2026_11_27_0005_cycle_freeze_guard': m0005,
  '2026_11_27_0006_portal_hot_paths': m0006,
  '2026_11_27_0007_box_guard_per_statement': m0007,
  '2026_12_04_0008_after_the_vote': m0008,
  '2026_12_04_0101_login_security': m0101,
  '2026_12_04_0102_sessions_ended_notice': m0102,
  '2026_12_04_0115_similarity_lexicon': m0115,
  '2026_12_04_0130_no_citizen_survey': m0130,
  '2026_12_04_0140_ballot_secrecy': m0140,
  '2026_12_04_2230_scrutineers': m2230,
  '2026_12_04_2300_rectify_basic': m2300,
  '2026_12_04_2345_key_ceremony': m2345,
  '2026_12_04_2350_paper_ballots': m2350,
  '2026_12_04_2355_voting_rules': m2355,
  '2026_12_05_0400_encrypted_ballots': m0400,
  '2026_12_05_0447_presiding_chair': m0447,
  '2026_12_05_0452_notice_numbers': m0452,
  '2026_12_05_0458_presidium_decisions': m0458,
  '2026_12_05_2300_presidium_signatures': m2300s,
  '2026_12_06_0100_packed_ballots': m0100p,
};
