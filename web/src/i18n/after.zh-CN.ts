// The work after the vote (整改, 代表小组监督, 年度总结): its own file, so the other screens'
// message files stay as they are.
const afterZhCN = {
  rectification: {
    title: '整改情况',
    rated: '测评等次：{g}',
    problems: '存在问题',
    measures: '整改措施',
    deadline: '整改期限 {d}',
    state: { open: '整改中', reported: '已报告整改完成', closed: '已销号' },
    report: '第{n}次整改报告（{d}）',
    done: '整改完成',
    rerating: '再次测评',
    reratingPending: '再次测评尚未完成',
    console: {
      title: '整改',
      due: '待建立整改的项目',
      noDue: '没有测评为不满意或基本满意且尚未建立整改的项目。',
      open: '建立整改',
      deadlineLabel: '整改期限',
      records: '整改台账',
      noRecords: '尚无整改记录。',
      reportText: '整改情况',
      reportDone: '整改已完成',
      submitReport: '报告整改情况',
      opened: '已建立整改',
      reported: '已报告',
    },
  },
};

export default afterZhCN;
