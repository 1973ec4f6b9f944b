import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmbeddedPostgres, StartupError } from './embedded.ts';

let holder: net.Server;
let port: number;
let dir: string;

beforeAll(async () => {
  holder = net.createServer((s) => s.destroy());
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  port = (holder.address() as AddressInfo).port;
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'piaojue-port-'));
});

afterAll(async () => {
  await new Promise((r) => holder.close(r));
  await fs.rm(dir, { recursive: true, force: true });
});

it('a taken embedded port stops the start with one line naming the port and EMBEDDED_PG_PORT', async () => {
  const err = await startEmbeddedPostgres({ dir, port }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(StartupError);
  const message = (err as Error).message;
  expect(message).not.toContain('\n');
  expect(message).toContain(`port ${port}`);
  expect(message).toContain('EMBEDDED_PG_PORT');
});
