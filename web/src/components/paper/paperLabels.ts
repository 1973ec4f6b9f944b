/** Human labels of the paper figures' fields (as comparePaperFigures and checkPaperFigures name them). */
type T = (key: string, named?: Record<string, unknown>) => string;

const TOP = new Set(['issued', 'returned', 'valid', 'invalid']);

/** The column title of a per-candidate count key: 赞成 … or 第 p 位 for rank ballots. */
export function keyLabel(t: T, key: string): string {
  return /^\d+$/.test(key) ? t('paper.key.position', { p: key }) : t(`paper.key.${key}`);
}

export function fieldLabel(t: T, field: string, names: ReadonlyMap<string, string>): string {
  if (TOP.has(field)) return t(`paper.field.${field}`);
  const [head, a, b] = field.split('.');
  if (head === 'invalidReasons') return a ? `${t('paper.field.invalid')} · ${t(`paper.reason.${a}`)}` : t('paper.reasons');
  if (head === 'candidates' && a) return b ? `${names.get(a) ?? a} · ${keyLabel(t, b)}` : (names.get(a) ?? a);
  if (head === 'position' && a) return keyLabel(t, a);
  return field;
}
