import type { UnitWire } from '@piaojue/shared';

type Translate = (key: string, values?: Record<string, unknown>) => string;

/** A congress as people read it: 乡镇级 · 洋河镇人大. */
export const unitLabel = (t: Translate, u: UnitWire): string => t('units.label', { level: t(`rules.level.${u.level}`), name: u.name });

/** A picked congress can be saved: none, or one with a name. */
export const unitComplete = (u: UnitWire | null): boolean => u === null || u.name.trim() !== '';
