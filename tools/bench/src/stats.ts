/**
 * Summaries of repeated samples.
 * @packageDocumentation
 */

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Sum of a list (0 for an empty one). */
export function sum(xs: readonly number[]): number {
  let total = 0;
  for (const x of xs) total += x;
  return total;
}

/** The best sample: the largest rate, or the smallest cost. */
export function best(xs: readonly number[], higherIsBetter: boolean): number {
  return higherIsBetter ? Math.max(...xs) : Math.min(...xs);
}
