import type { ProposalStatus } from '@piaojue/shared';

/** The tag colour of a proposal's status in the console's lists. */
const TAGS: Record<ProposalStatus, string> = { received: 'tag-blue', under_review: 'tag-amber', accepted: 'tag-green', merged: 'tag-green', rejected: 'tag-red', reserved: '', routed: '' };

export const statusTag = (s: ProposalStatus) => TAGS[s];
