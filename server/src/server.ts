import fs from 'node:fs';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { connectDatabase } from './db/connect.ts';
import { ownShutdownSignals, StartupError } from './db/embedded.ts';

async function main() {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  ownShutdownSignals();
  const database = await connectDatabase(config, (m) => console.log(`[piaojue] ${m}`));
  const app = await buildApp({ config, db: database.db, databaseUrl: database.url });
  try {
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (err) {
    await app.close().catch(() => undefined);
    await database.close();
    if ((err as { code?: unknown }).code === 'EADDRINUSE') {
      throw new StartupError(
        `端口 ${config.PORT} 已被占用 · port ${config.PORT} (${config.HOST}) is taken, perhaps by another \`pnpm start\`: stop it, or choose another with PORT (e.g. PORT=${config.PORT + 1} pnpm start)`,
      );
    }
    throw err;
  }

  const token = await app.services.auth.ensureSetupToken();
  if (token) {
    console.log(
      [
        '',
        '  首次启动：请用下面的一次性链接设置管理员密码（不会再次显示）',
        '  First start: set the administrator password with this one-time link:',
        `  ${config.publicUrl}/console/setup?token=${token}`,
        '',
      ].join('\n'),
    );
  }
  console.log(`[piaojue] ready: console ${config.publicUrl}/console · API docs ${config.publicUrl}/api/docs`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err) => {
  console.error(err instanceof ConfigError || err instanceof StartupError ? `[piaojue] ${err.message}` : err);
  process.exit(1);
});
