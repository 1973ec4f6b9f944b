import type afterZhCN from './after.zh-CN.ts';

const afterEn: typeof afterZhCN = {
  rectification: {
    title: 'Rectification',
    rated: 'Rating: {g}',
    problems: 'Problems found',
    measures: 'Measures',
    deadline: 'Due {d}',
    state: { open: 'In progress', reported: 'Reported complete', closed: 'Closed' },
    report: 'Report {n} ({d})',
    done: 'Complete',
    rerating: 'Re-rating',
    reratingPending: 'Re-rating not yet done',
    console: {
      title: 'Rectification',
      due: 'Projects awaiting rectification',
      noDue: 'No project graded unsatisfied or basic is waiting for a rectification record.',
      open: 'Open rectification',
      deadlineLabel: 'Deadline',
      records: 'Rectification records',
      noRecords: 'No rectification yet.',
      reportText: 'What was done',
      reportDone: 'Rectification complete',
      submitReport: 'Report',
      opened: 'Rectification opened',
      reported: 'Reported',
    },
  },
};

export default afterEn;
