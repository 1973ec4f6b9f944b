/**
 * The crypto core (`@piaojue/shared/crypto`, ~570 kB with libsodium's WebAssembly), loaded only
 * where a tablet encrypts, generates its key share or decrypts. A core that does not come up
 * (e.g. a browser policy refusing WebAssembly) is an error the screen shows, never a hang.
 */
import { ApiError } from '../api/client.ts';

export type CryptoCore = typeof import('@piaojue/shared/crypto');

const READY_TIMEOUT_MS = 20_000;
let loading: Promise<CryptoCore> | null = null;

export function loadCrypto(): Promise<CryptoCore> {
  loading ??= (async () => {
    const c = await import('@piaojue/shared/crypto');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ApiError(0, { code: 'CRYPTO_UNAVAILABLE', message: 'The encryption module did not start', messageZh: '本平板无法启动加密模块，请刷新页面或更换平板', messageEn: 'This tablet could not start the encryption module; reload the page or use another tablet' })),
        READY_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([c.cryptoReady(), timeout]);
    } finally {
      clearTimeout(timer);
    }
    return c;
  })();
  // a failed start is tried again at the next action
  loading.catch(() => (loading = null));
  return loading;
}
