// pnpm demo: a throwaway system with a realistic sample, ready to run a whole vote.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { connectDatabase } from '../server/src/db/connect.ts';
import { ownShutdownSignals, StartupError } from '../server/src/db/embedded.ts';
import { randomToken } from '../server/src/lib/crypto.ts';
import type { Principal } from '../server/src/modules/auth/auth.service.ts';
import { DEMO_CANDIDATES, demoRosterCsv } from './demo-data.ts';
import { DEMO_DISTRICTS, demoProposals, demoProposalsCsv } from './proposals-demo-data.ts';

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'piaojue-demo-'));
const config = loadConfig({
  ...process.env,
  DATABASE_URL: undefined,
  DATA_DIR: dataDir,
  EMBEDDED_PG_PORT: process.env.EMBEDDED_PG_PORT ?? '54339',
  PORT: process.env.PORT ?? '3000',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
});
ownShutdownSignals();
const database = await connectDatabase(config, () => undefined).catch(async (err: unknown) => {
  await fs.rm(dataDir, { recursive: true, force: true });
  console.error(err instanceof StartupError ? `[piaojue demo] ${err.message.replace('pnpm start', 'pnpm demo')}` : err);
  process.exit(1);
});
const app = await buildApp({ config, db: database.db, databaseUrl: database.url });
const { auth, cycles, sessions, proposals } = app.services;

const adminPassword = randomToken(9);
const token = (await auth.ensureSetupToken())!;
const admin = await auth.setup({ token, username: 'admin', displayName: '系统管理员', password: adminPassword });
const asAdmin: Principal = { kind: 'user', user: admin };
const presidiumPassword = randomToken(9);
await auth.createUser(asAdmin, { username: 'zhuxituan', displayName: '主席团成员', password: presidiumPassword, roles: ['presidium', 'staff'] });

const cycle = await cycles.create(asAdmin, {
  level: 'city',
  name: '2027年度宿迁市民生实事项目',
  year: 2027,
  chooseN: 10,
  ballotType: 'approve',
  passThreshold: 'seated_majority',
  quorumRule: 'more_than_half',
  tieRule: 'runoff',
  // The demo votes without a key ceremony: plain ballots, chosen explicitly (docs/CRYPTO.md).
  ballotMode: 'plain',
});
for (const c of DEMO_CANDIDATES) await cycles.addCandidate(asAdmin, cycle.id, c);
await proposals.shortlist.freeze(asAdmin, cycle.id, { organ: 'director_meeting', decidedOn: '2026-12-08', reference: '市人大常委会第三十二次主任会议' });
const session = await sessions.create(asAdmin, { cycleId: cycle.id, name: '宿迁市第六届人民代表大会第三次会议', venue: '市会议中心大礼堂' });
await sessions.importRoster(asAdmin, session.id, 'roster.csv', Buffer.from(demoRosterCsv(50)));
const codes = await sessions.issueCodes(asAdmin, session.id);
await sessions.setCheckinOpen(asAdmin, session.id, true);
// The plenary has adopted the 票决办法 with three 监票人 (deputies 2–4, the first the 总监票人):
// they confirm each count on their own tablets before the presidium certifies it.
const scrutineers = codes.slice(1, 4);
await app.services.scrutiny.set(asAdmin, session.id, { scrutineers: scrutineers.map((c, i) => ({ deputyId: c.deputyId, chief: i === 0 })), counterIds: [] });
const draft = await app.services.votingRules.draft(asAdmin, session.id, {});
await app.services.votingRules.adopt(asAdmin, session.id, { version: draft.versions[0]!.version, body: session.name, meeting: '第二次全体会议', adoptedOn: '2027-01-10' });

// Next year's cycle is still collecting citizens' proposals: 1,200 of them, with near-duplicates.
const next = await cycles.create(asAdmin, {
  level: 'city',
  name: '2028年度宿迁市民生实事项目',
  year: 2028,
  chooseN: 10,
  ballotType: 'approve',
  passThreshold: 'seated_majority',
  quorumRule: 'more_than_half',
  tieRule: 'runoff',
});
const opens = new Date(Date.now() - 46 * 86_400_000);
await proposals.collection.setNotice(asAdmin, next.id, {
  title: '关于征集2028年度宿迁市民生实事项目建议的公告',
  body: '为进一步推进民生实事项目人大代表票决制工作，现面向社会公开征集2028年度民生实事项目建议。欢迎广大市民围绕教育、医疗、养老、住房、交通、环境等方面提出建议。\n一事一建议，请写明建议内容、实施地点和理由。',
  opensAt: opens.toISOString(),
  closesAt: new Date(Date.now() + 14 * 86_400_000).toISOString(),
  districts: DEMO_DISTRICTS,
});
for (const name of ['宿城区幸福街道代表联络站', '宿豫区顺河街道社情民意收集点', '沭阳县沭城街道代表之家']) await proposals.collection.addPoint(asAdmin, next.id, { name });
const sheet = demoProposalsCsv(demoProposals(1200).proposals, opens);
await proposals.submissions.importSheet(asAdmin, next.id, { fileName: 'proposals.csv', channel: 'hotline', contentBase64: Buffer.from(sheet).toString('base64') });

await app.listen({ port: config.PORT, host: config.HOST });
const u = config.publicUrl;
const { url: displayUrl } = await sessions.displayLink(session.id);
console.log(`
票决 Piaojue 演示 · demo (throwaway database in ${dataDir})

  控制台 Console        ${u}/console/sessions/${session.id}
    管理员 admin         用户名 admin       密码 ${adminPassword}
    主席团 presidium     用户名 zhuxituan   密码 ${presidiumPassword}
  大屏 Hall display     ${displayUrl}
                        (the key in this link lets the hall show the result before the presidium certifies it)
  公众征集 Portal        ${u}/portal   (2028 cycle collecting; 1,200 proposals to review at ${u}/console/cycles/${next.id}/proposals)
  API 文档 API docs     ${u}/api/docs

  代表表决终端 Deputy tablets (50 deputies; first five):
${codes
  .slice(0, 5)
  .map((c, i) => `    ${c.name.padEnd(4, '　')} ${c.delegation.padEnd(6, '　')} 座位 ${c.seat.padEnd(7)} 登录码 ${c.code}   ${c.loginUrl}${i === 1 ? '   总监票人' : i <= 3 && i > 0 ? '   监票人' : ''}`)
  .join('\n')}

  All 50 login codes: ${path.join(dataDir, 'codes.csv')}
  Ctrl+C stops the demo and deletes its data.
`);
await fs.writeFile(
  path.join(dataDir, 'codes.csv'),
  ['姓名,代表团,座位,登录码,登录链接', ...codes.map((c) => [c.name, c.delegation, c.seat, c.code, c.loginUrl].join(','))].join('\n'),
);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  try {
    await app.close();
    await database.close();
  } finally {
    // the logins, the password file and the database go, whatever failed before
    await fs.rm(dataDir, { recursive: true, force: true });
    process.exit(0);
  }
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
