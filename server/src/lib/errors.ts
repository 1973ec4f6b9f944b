import { ERRORS, type ErrorCode } from '@piaojue/shared';

/** A failure the caller can act on: a stable code, an HTTP status and a bilingual message. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly details?: unknown,
    /** Overrides the catalogue's message, e.g. a ballot validator's precise reason. */
    readonly messages?: { zh: string; en: string },
  ) {
    super(code);
    this.status = ERRORS[code][0];
  }
}

export function errorBody(code: ErrorCode, details?: unknown, messages?: { zh: string; en: string }) {
  const [, zh, en] = ERRORS[code];
  const messageZh = messages?.zh ?? zh;
  const messageEn = messages?.en ?? en;
  return {
    error: {
      code,
      message: `${messageZh} / ${messageEn}`,
      messageZh,
      messageEn,
      ...(details === undefined ? {} : { details }),
    },
  };
}
