/**
 * Every error the API returns: a stable machine code, its HTTP status, and a message in
 * Chinese (default) and English. The web shows the message in the user's language.
 */
export const ERRORS = {
  BAD_REQUEST: [400, '请求格式不正确', 'The request is malformed'],
  VALIDATION: [400, '提交的数据不符合要求', 'The submitted data is not valid'],
  PAYLOAD_TOO_LARGE: [413, '提交的内容过大', 'The request body is too large'],
  UNSUPPORTED_MEDIA_TYPE: [415, '不支持的内容类型', 'Unsupported content type'],
  UNAUTHENTICATED: [401, '请先登录', 'Please log in first'],
  FORBIDDEN: [403, '没有执行此操作的权限', 'You are not allowed to do this'],
  CSRF: [403, '请求缺少防伪标记，请刷新页面后重试', 'Missing anti-forgery header; reload the page and retry'],
  NOT_FOUND: [404, '找不到该对象', 'Not found'],
  RATE_LIMITED: [429, '操作过于频繁，请稍后再试', 'Too many attempts; try again later'],
  INTERNAL: [500, '服务器内部错误，请稍后重试', 'Internal server error; please retry'],
  DB_UNAVAILABLE: [503, '数据库暂时不可用，请稍后重试', 'The database is temporarily unavailable; please retry'],
  // auth
  BAD_CREDENTIALS: [401, '用户名或密码错误', 'Wrong user name or password'],
  BAD_LOGIN_CODE: [401, '登录码无效或已作废', 'The login code is invalid or revoked'],
  LOGIN_LOCKED: [429, '失败次数过多，该账号或登录码暂时锁定，请稍后再试', 'Too many failed attempts; this account or code is locked for a while'],
  SETUP_DONE: [409, '系统已完成初始化', 'The system has already been set up'],
  BAD_SETUP_TOKEN: [401, '初始化令牌无效或已使用', 'The setup token is invalid or used'],
  WEAK_PASSWORD: [400, '密码至少需要 10 个字符', 'The password needs at least 10 characters'],
  USERNAME_TAKEN: [409, '用户名已存在', 'That user name is taken'],
  LAST_ADMIN: [409, '至少需要保留一个可用的管理员账号', 'At least one active administrator must remain'],
  SELF_CHANGE: [409, '不能停用自己的账号、修改自己的角色或结束自己的登录，请由另一位管理员操作', 'You cannot disable your own account, change your own roles or end your own logins here; ask another administrator'],
  // cycles & candidates
  LIST_FROZEN: [409, '候选项目已确定，不能修改', 'The candidate list is frozen and cannot change'],
  LIST_NOT_FROZEN: [409, '候选项目尚未确定', 'The candidate list is not frozen yet'],
  LIST_EMPTY: [409, '候选项目清单为空', 'The candidate list is empty'],
  TOO_FEW_CANDIDATES: [409, '候选项目数量必须多于应选数量（差额）', 'There must be more candidates than places'],
  // roster
  ROSTER_INVALID: [400, '代表名单有错误，未导入任何记录', 'The roster has errors; nothing was imported'],
  ROSTER_LOCKED: [409, '已有表决开始，不能再替换代表名单', 'A poll has started; the roster can no longer be replaced'],
  BAD_FILE: [400, '无法读取该文件，请上传 CSV 或 XLSX', 'Cannot read the file; upload CSV or XLSX'],
  CHECKIN_CLOSED: [409, '签到尚未开始或已结束', 'Check-in is not open'],
  // polls
  POLL_STATE: [409, '表决当前状态不允许此操作', 'The poll is not in a state that allows this'],
  QUORUM_NOT_MET: [409, '实到人数未达到法定人数，不能开始表决', 'The quorum is not met; the poll cannot open'],
  ANOTHER_POLL_OPEN: [409, '本次会议已有正在进行的表决', 'Another poll of this session is open'],
  NOT_ISSUED: [403, '您未领取本次表决票（未签到或表决开始后未发票）', 'No ballot was issued to you for this poll'],
  ALREADY_VOTED: [409, '您已投票，表决票不能更改', 'You have already voted; a ballot cannot be changed'],
  INVALID_BALLOT: [400, '表决票无效', 'The ballot is invalid'],
  NO_TIE: [409, '没有需要再次投票的并列项目', 'There is no tie that needs a run-off'],
  NOT_CHECKED_IN: [409, '请先签到', 'Please check in first'],
  BALLOT_CHANGED: [409, '这张表决票已经提交，提交后不能更改；本次提交未被接受', 'This ballot was already cast and cannot be changed; this submission was not accepted'],
  TOO_FEW_BALLOTS: [409, '投票人数少于最低计票数，为保护无记名投票不能计票，只能取消本次表决', 'Too few ballots to count without revealing them; the poll can only be cancelled'],
  CONFIRMATION_REQUIRED: [409, '表决进行中，此操作须由主席团成员或监票人确认', 'While a poll is open this needs confirmation by a presidium member or scrutineer'],
  CONFIRMATION_STATE: [409, '该确认申请已处理或不适用于此操作', 'This confirmation request has been decided already or does not fit this action'],
  SELF_CONFIRMATION: [403, '不能确认自己提出的申请，须由另一人确认', 'You cannot confirm your own request; a second person must'],
  // certification
  ALREADY_SIGNED: [409, '您已对该结果签署过意见', 'You have already signed off this result'],
  RESULT_CERTIFIED: [409, '结果已由主席团确认，不能再更改', 'The result is certified and cannot change'],
  CONFIRMATIONS_MISSING: [409, '监票人确认人数不足，暂不能确认结果', 'Not enough scrutineers have confirmed the count yet'],
  // proposals (征集 and 初定)
  COLLECTION_NOT_PUBLISHED: [404, '本年度尚未发布征集公告', 'No collection notice has been published for this cycle'],
  COLLECTION_NOT_OPEN: [409, '征集尚未开始，请在征集公告的开始日期后提交', 'Collection has not opened yet; please submit after the opening date'],
  COLLECTION_CLOSED: [409, '本次征集已截止，不再接收新的建议', 'Collection has closed; no new proposals are accepted'],
  SUBMISSION_REFUSED: [400, '提交未被接受，请刷新页面后重新填写', 'The submission was not accepted; reload the page and fill in the form again'],
  TRACKING_CODE_UNKNOWN: [404, '查询码不存在，请核对后重试', 'No proposal has this tracking code; check it and retry'],
  PROPOSAL_STATE: [409, '该建议当前的状态不允许此操作', 'The proposal is not in a state that allows this'],
  PROPOSAL_MERGED_ELSEWHERE: [409, '该建议已并入其他候选项目，请先撤销合并', 'The proposal is merged into another candidate; unmerge it first'],
  PROPOSAL_NOT_MERGED: [409, '该建议未并入任何候选项目', 'The proposal is not merged into a candidate'],
  WRONG_CYCLE: [409, '不能跨年度操作：建议与候选项目须属于同一年度', 'Proposals and candidates must belong to the same cycle'],
  CANDIDATE_HAS_PROPOSALS: [409, '该候选项目仍有并入的群众建议，请先撤销合并', 'Proposals are still merged into this candidate; unmerge them first'],
  SHORTLIST_RATIO: [409, '候选项目数量不符合本年度的差额比例', 'The number of candidates is outside the cycle’s extra-candidate range'],
  PROPOSALS_INVALID: [400, '建议表格有错误，未导入任何记录', 'The proposal sheet has errors; nothing was imported'],
  NOT_CARRIABLE: [409, '只能转入储备库中的建议或未入选的候选项目', 'Only reserved proposals and candidates not chosen can be carried over'],
  ALREADY_CARRIED: [409, '该项已转入目标年度', 'This item has already been carried into the target cycle'],
  LEXICON_ENTRY_EXISTS: [409, '查重词表中已有该条目', 'The lexicon already has this entry'],
  POINT_IN_USE: [409, '已有建议来自该收集点，不能删除（可改名）', 'Proposals came through this collection point; it cannot be deleted (rename it instead)'],
  // tracking (监督)
  NO_CERTIFIED_RESULT: [409, '本年度尚无经主席团确认的票决结果', 'No certified vote result for this cycle yet'],
  DECISION_REQUIRED: [400, '变更须登记作出决定的文号和决定日期（市、县：人大常委会；乡镇：乡镇人民代表大会）', 'A change needs the reference and date of the decision (city/county: standing committee; township: the township congress)'],
  PLAN_PUBLISHED: [409, '实施方案已公布，修改须依决定登记变更', 'The plan is published; changing it needs a recorded decision'],
  PLAN_NOT_PUBLISHED: [409, '实施方案尚未公布，暂不能填报进度', 'The implementation plan is not published yet'],
  PROJECT_STATE: [409, '项目当前状态不允许此操作', 'The project’s current state does not allow this'],
  DEPARTMENT_MISMATCH: [403, '只能填报本单位负责的项目', 'You can report only on projects of your own department'],
  PROGRESS_REGRESSION: [400, '进度低于上次填报，请说明原因', 'Progress is lower than last reported; explain why'],
  ATTACHMENT_TOO_LARGE: [413, '附件超过 5 MB 大小限制', 'An attachment exceeds the 5 MiB limit'],
  NOT_RECTIFIABLE: [409, '该项目在此次测评中未被评为不满意或基本满意，无需整改', 'The project was not graded unsatisfied or basic in this rating; no rectification is called for'],
  RECTIFICATION_EXISTS: [409, '该项目已就此次测评建立整改记录', 'A rectification for this project and rating already exists'],
  RECTIFICATION_CLOSED: [409, '整改已完成，不能再填报', 'The rectification is complete; no further reports'],
  ATTACHMENT_TYPE: [415, '附件类型不允许（仅限 PDF、PNG、JPEG、DOCX、XLSX），或内容与类型不符', 'Attachment type not allowed (PDF, PNG, JPEG, DOCX, XLSX only) or content does not match it'],
} as const satisfies Record<string, readonly [number, string, string]>;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorBody {
  error: { code: ErrorCode | string; message: string; messageZh: string; messageEn: string; details?: unknown };
}
