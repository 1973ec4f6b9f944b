// Load-generator clients for the bench-* scripts: a websocket and an HTTP/1.1 connection at a
// fraction of the cost of `ws` and `fetch`, so the generator leaves the machine to the server.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { Res } from './bench-lib.ts';

/**
 * A websocket frame from a client: text, masked (RFC 6455 §5.3). Small on purpose: the load
 * generator shares the machine with the server, so its own sockets must cost little.
 */
export function clientTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x81, 0x80 | len]) : Buffer.from([0x81, 0x80 | 126, len >> 8, len & 0xff]);
  if (len >= 65536) throw new Error('frame too large');
  const mask = randomBytes(4);
  for (let i = 0; i < len; i++) payload[i]! ^= mask[i & 3]!;
  return Buffer.concat([head, mask, payload]);
}

/**
 * A websocket client that does the handshake and sends text frames. By default it only counts
 * the bytes it receives; given `onFrame`, it splits them into frames (server frames are never
 * masked) and hands over each one. A tablet's connection as the server sees it, at a fraction
 * of the `ws` client's cost. A ping message every 20 s keeps it past the server's heartbeat.
 */
export class LeanWebSocket {
  bytes = 0;
  frames = 0;
  private keepAlive: NodeJS.Timeout | null = null;
  private pending: Buffer = Buffer.alloc(0);
  private constructor(
    private readonly socket: net.Socket,
    private readonly onFrame?: (opcode: number, payload: Buffer) => void,
  ) {}

  static open(port: number, opts: { cookie?: string; onFrame?: (opcode: number, payload: Buffer) => void } = {}): Promise<LeanWebSocket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
      const key = randomBytes(16).toString('base64');
      let head = '';
      let done = false;
      socket.once('error', (err) => {
        if (!done) reject(err);
      });
      socket.on('error', () => undefined);
      socket.on('connect', () => {
        socket.write(
          `GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${opts.cookie ? `Cookie: pj_session=${opts.cookie}\r\n` : ''}\r\n`,
        );
      });
      const lean = new LeanWebSocket(socket, opts.onFrame);
      socket.on('data', (chunk: Buffer) => {
        if (done) return lean.receive(chunk);
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        done = true;
        if (!head.startsWith('HTTP/1.1 101')) {
          socket.destroy();
          reject(new Error(`websocket refused: ${head.split('\r\n')[0]}`));
          return;
        }
        const rest = chunk.subarray(chunk.length - (head.length - end - 4));
        lean.keepAlive = setInterval(() => lean.send(JSON.stringify({ type: 'ping' })), 20_000);
        lean.keepAlive.unref();
        if (rest.length) lean.receive(rest);
        resolve(lean);
      });
    });
  }

  private receive(chunk: Buffer) {
    this.bytes += chunk.length;
    if (!this.onFrame) return;
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      if (buf.length < 2) break;
      let len = buf[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (buf.length < 4) break;
        len = buf.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (buf.length < 10) break;
        len = Number(buf.readBigUInt64BE(2));
        offset = 10;
      }
      if (buf.length < offset + len) break;
      this.frames++;
      this.onFrame(buf[0]! & 0x0f, buf.subarray(offset, offset + len));
      buf = buf.subarray(offset + len);
    }
    this.pending = buf.length ? Buffer.from(buf) : Buffer.alloc(0);
  }

  send(text: string) {
    if (!this.socket.destroyed) this.socket.write(clientTextFrame(text));
  }

  close() {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.socket.destroy();
  }
}

/**
 * One keep-alive HTTP/1.1 connection with one request at a time, parsing only the status line,
 * content-length and body: the cheapest honest client for a storm of requests. `localAddress`
 * (any of 127.0.0.0/8) makes it a different client address, as distinct citizens would be.
 */
export class LeanHttp {
  private socket: net.Socket | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private pending: { resolve(r: Res<string>): void; reject(e: Error): void } | null = null;

  constructor(
    private readonly port: number,
    private readonly cookie?: string,
    private readonly localAddress?: string,
  ) {}

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port: this.port, host: '127.0.0.1', noDelay: true, ...(this.localAddress ? { localAddress: this.localAddress } : {}) });
      s.once('connect', () => resolve());
      s.once('error', reject);
      s.on('error', () => undefined);
      s.on('data', (chunk: Buffer) => this.onData(chunk));
      s.on('close', () => {
        if (this.socket === s) this.socket = null;
        const p = this.pending;
        this.pending = null;
        p?.reject(new Error('connection closed'));
      });
      this.socket = s;
      this.buf = Buffer.alloc(0);
    });
  }

  private onData(chunk: Buffer) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0 || !this.pending) return;
    const head = this.buf.subarray(0, end).toString('latin1');
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buf.length < end + 4 + length) return;
    const body = this.buf.subarray(end + 4, end + 4 + length).toString('utf8');
    this.buf = this.buf.subarray(end + 4 + length);
    const p = this.pending;
    this.pending = null;
    p.resolve({ status: Number(head.slice(9, 12)), body });
  }

  async request(method: string, path: string, body?: unknown): Promise<Res<string>> {
    if (!this.socket) await this.connect();
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body), 'utf8');
    const head =
      `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${this.port}\r\n` +
      (payload ? `content-type: application/json\r\ncontent-length: ${payload.length}\r\n` : '') +
      (method !== 'GET' ? 'x-piaojue-csrf: 1\r\n' : '') +
      (this.cookie ? `cookie: pj_session=${this.cookie}\r\n` : '') +
      '\r\n';
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      const h = Buffer.from(head, 'latin1');
      this.socket!.write(payload ? Buffer.concat([h, payload]) : h);
    });
  }

  post(path: string, body: unknown): Promise<Res<string>> {
    return this.request('POST', path, body);
  }

  get(path: string): Promise<Res<string>> {
    return this.request('GET', path);
  }

  close() {
    this.socket?.destroy();
    this.socket = null;
  }
}
