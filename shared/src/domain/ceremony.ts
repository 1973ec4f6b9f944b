/**
 * The threshold of the 监票人's key (docs/PROCEDURE.md §"密钥生成"): by default a majority of
 * the n 监票人, ⌊n/2⌋ + 1 (2 of 3, 3 of 5), so the count needs most of them present — as it
 * does on paper — and no minority can decrypt. A session may choose any t with 1 ≤ t ≤ n.
 */
export const defaultThreshold = (n: number): number => Math.floor(n / 2) + 1;

export const thresholdAllowed = (t: number, n: number): boolean => Number.isInteger(t) && t >= 1 && t <= n;
