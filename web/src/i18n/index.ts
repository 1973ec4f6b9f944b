import { createI18n } from 'vue-i18n';
import zhCN from './zh-CN.ts';
import en from './en.ts';
import type { Messages } from './zh-CN.ts';
import portalZhCN from './portal.zh-CN.ts';
import portalEn from './portal.en.ts';
import afterZhCN from './after.zh-CN.ts';
import afterEn from './after.en.ts';
import procedureZhCN from './procedure.zh-CN.ts';
import procedureEn from './procedure.en.ts';
import paperZhCN from './paper.zh-CN.ts';
import paperEn from './paper.en.ts';
import cryptoZhCN from './crypto.zh-CN.ts';
import cryptoEn from './crypto.en.ts';

export type Locale = 'zh-CN' | 'en';
export const LOCALES: { value: Locale; label: string }[] = [
  { value: 'zh-CN', label: '中文' },
  { value: 'en', label: 'English' },
];
const STORAGE_KEY = 'piaojue.locale';

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'zh-CN' || saved === 'en') return saved;
  } catch {
    // storage blocked: default
  }
  return 'zh-CN';
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': { ...zhCN, ...portalZhCN, ...afterZhCN, ...procedureZhCN, ...paperZhCN, ...cryptoZhCN }, en: { ...en, ...portalEn, ...afterEn, ...procedureEn, ...paperEn, ...cryptoEn } } as Record<Locale, Messages>,
  missingWarn: false,
  fallbackWarn: false,
});

export function setLocale(l: Locale): void {
  i18n.global.locale.value = l;
  document.documentElement.lang = l;
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    // not persisted
  }
}

export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale;
}
