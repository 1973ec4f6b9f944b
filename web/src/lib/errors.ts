import { ApiError } from '../api/client.ts';
import { currentLocale } from '../i18n/index.ts';

/** The message to show for any thrown value, in the user's language. */
export function errorText(e: unknown): string {
  const zh = currentLocale() === 'zh-CN';
  if (e instanceof ApiError) return (zh ? e.messageZh : e.messageEn) || e.message;
  if (e instanceof Error) return e.message;
  return zh ? '操作失败' : 'The action failed';
}
