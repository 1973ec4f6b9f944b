import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { normaliseCode, sha256 } from '../lib/crypto.ts';

/** Marks a keyed hash, so a stored value says which kind it is. */
const KEYED = 'k1:';

/** The key file's name under DATA_DIR. */
export const LOGIN_CODE_KEY_FILE = 'login-code.key';

/**
 * How deputies' login codes are stored: HMAC-SHA-256 under a server secret that is not in the
 * database. A code has about 49 bits; a plain hash of it is guessed offline from a stolen
 * backup in hours, a keyed hash not without the key.
 */
export class LoginCodes {
  constructor(private readonly key: Buffer) {}

  /** What the deputies table keeps for a code (any spelling: "abcde-fghij" = "ABCDEFGHIJ"). */
  hash(code: string): string {
    return KEYED + createHmac('sha256', this.key).update(normaliseCode(code)).digest('hex');
  }

  /**
   * Every stored form the code may have: the keyed hash, and the plain SHA-256 that codes
   * issued before keyed hashing have until they are reissued (SECURITY.md).
   */
  storedForms(code: string): string[] {
    return [this.hash(code), sha256(normaliseCode(code))];
  }
}

/**
 * The key: LOGIN_CODE_KEY when set (every instance of a multi-server installation must share
 * it), otherwise DATA_DIR/login-code.key, created on first start readable by this user only.
 * Concurrent first starts agree on one file: each writes its own and links it into place, and
 * whoever loses reads the winner's.
 */
export function loadLoginCodeKey(config: Pick<Config, 'LOGIN_CODE_KEY' | 'dataDir'>): Buffer {
  if (config.LOGIN_CODE_KEY) return Buffer.from(config.LOGIN_CODE_KEY, 'utf8');
  const file = path.join(config.dataDir, LOGIN_CODE_KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.unlinkSync(tmp);
    }
  }
  const key = fs.readFileSync(file, 'utf8').trim();
  if (key.length < 32) throw new Error(`${file} holds no usable key (expected 32+ characters); delete it to make a new one, which ends every login code`);
  return Buffer.from(key, 'utf8');
}
