// 票决办法, 监票人 and 计票人, the count sheet: their own file, so the other screens' message
// files stay as they are.
const procedureZhCN = {
  procedure: {
    tab: '票决办法与监票人',
    allPresent: '全部在场监票人',
    allPresentHint: '留空：须全部在场监票人确认，且至少 2 人',
    scrutiny: {
      title: '监票人、总监票人和计票人',
      explain: '监票人由本次会议的代表担任（在本人平板上确认计票结果），其中一人为总监票人；计票人由工作人员担任，在监票人监督下计票。',
      locked: '名单已确定，不能再修改。',
      scrutineers: '监票人（代表）',
      counters: '计票人（工作人员）',
      search: '按姓名、代表团或座位筛选',
      isScrutineer: '监票人',
      chief: '总监票人',
      name: '姓名',
      delegation: '代表团',
      seat: '座位',
      present: '签到',
      save: '保存名单',
      saved: '名单已保存',
      count: '已选监票人 {n} 名，计票人 {m} 名',
      noStaff: '没有可选的工作人员账号',
      none: '尚未设定监票人名单',
    },
    tablet: {
      title: '监票人确认计票结果',
      chiefTitle: '总监票人确认计票结果',
      explain: '请核对下列计票结果。确认无误后点击“确认计票结果”，主席团须在监票人确认后方可确认结果。',
      confirm: '确认计票结果',
      confirming: '正在提交…',
      confirmed: '您已确认计票结果',
      progress: '监票人已确认 {x} / {k} 人',
      notPresent: '您未签到，不能确认计票结果',
    },
  },
};

export default procedureZhCN;
