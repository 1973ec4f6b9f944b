// pnpm demo: a throwaway system with a realistic sample, ready to run a whole vote.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { connectDatabase } from '../server/src/db/connect.ts';
import { randomToken } from '../server/src/lib/crypto.ts';
import type { Principal } from '../server/src/modules/auth/auth.service.ts';
import { DEMO_CANDIDATES, demoRosterCsv } from './demo-data.ts';

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'piaojue-demo-'));
const config = loadConfig({
  ...process.env,
  DATABASE_URL: undefined,
  DATA_DIR: dataDir,
  EMBEDDED_PG_PORT: process.env.EMBEDDED_PG_PORT ?? '54339',
  PORT: process.env.PORT ?? '3000',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
});
const database = await connectDatabase(config, () => undefined);
const app = await buildApp({ config, db: database.db, databaseUrl: database.url });
const { auth, cycles, sessions } = app.services;

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
});
for (const c of DEMO_CANDIDATES) await cycles.addCandidate(asAdmin, cycle.id, c);
await cycles.freeze(asAdmin, cycle.id, { decision: '市人大常委会第三十二次主任会议（2026年12月8日）' });
const session = await sessions.create(asAdmin, { cycleId: cycle.id, name: '宿迁市第六届人民代表大会第三次会议', venue: '市会议中心大礼堂' });
await sessions.importRoster(asAdmin, session.id, 'roster.csv', Buffer.from(demoRosterCsv(50)));
const codes = await sessions.issueCodes(asAdmin, session.id);
await sessions.setCheckinOpen(asAdmin, session.id, true);

await app.listen({ port: config.PORT, host: config.HOST });
const u = config.publicUrl;
console.log(`
票决 Piaojue 演示 · demo (throwaway database in ${dataDir})

  控制台 Console        ${u}/console/sessions/${session.id}
    管理员 admin         用户名 admin       密码 ${adminPassword}
    主席团 presidium     用户名 zhuxituan   密码 ${presidiumPassword}
  大屏 Hall display     ${u}/hall/${session.id}
  API 文档 API docs     ${u}/api/docs

  代表表决器 Deputy tablets (50 deputies; first five):
${codes
  .slice(0, 5)
  .map((c) => `    ${c.name.padEnd(4, '　')} ${c.delegation.padEnd(6, '　')} 座位 ${c.seat.padEnd(7)} 登录码 ${c.code}   ${c.loginUrl}`)
  .join('\n')}

  All 50 login codes: ${path.join(dataDir, 'codes.csv')}
  Ctrl+C stops the demo and deletes its data.
`);
await fs.writeFile(
  path.join(dataDir, 'codes.csv'),
  ['姓名,代表团,座位,登录码,登录链接', ...codes.map((c) => [c.name, c.delegation, c.seat, c.code, c.loginUrl].join(','))].join('\n'),
);

const stop = async () => {
  await app.close();
  await database.close();
  await fs.rm(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
