import type procedureZhCN from './procedure.zh-CN.ts';

const procedureEn: typeof procedureZhCN = {
  procedure: {
    tab: 'Voting rules & scrutineers',
    allPresent: 'All scrutineers present',
    allPresentHint: 'Empty: every scrutineer present must confirm, at least 2',
    scrutiny: {
      title: 'Scrutineers, chief scrutineer and tellers',
      explain: 'Scrutineers are deputies of this session (they confirm the count on their own tablet); one of them is the chief scrutineer. Tellers are staff who count under the scrutineers.',
      locked: 'The list is fixed and can no longer change.',
      scrutineers: 'Scrutineers (deputies)',
      counters: 'Tellers (staff)',
      search: 'Filter by name, delegation or seat',
      isScrutineer: 'Scrutineer',
      chief: 'Chief scrutineer',
      name: 'Name',
      delegation: 'Delegation',
      seat: 'Seat',
      present: 'Checked in',
      save: 'Save the list',
      saved: 'List saved',
      count: '{n} scrutineers and {m} tellers selected',
      noStaff: 'No staff accounts to choose from',
      none: 'No scrutineers named yet',
    },
    tablet: {
      title: 'Scrutineer: confirm the count',
      chiefTitle: 'Chief scrutineer: confirm the count',
      explain: 'Check the count below. When it is right, press “Confirm the count”; the presidium can certify only after the scrutineers have confirmed.',
      confirm: 'Confirm the count',
      confirming: 'Sending…',
      confirmed: 'You have confirmed the count',
      progress: '{x} of {k} scrutineers have confirmed',
      notPresent: 'You are not checked in and cannot confirm the count',
    },
  },
};

export default procedureEn;
