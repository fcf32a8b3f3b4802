/**
 * The one rule every benchmark uses to say who leads: a difference counts only when the
 * two spreads (slowest to fastest sample) do not overlap; otherwise the honest verdict is
 * "spreads overlap", whatever the medians say.
 * @packageDocumentation
 */

/** Who leads, from the contender's side. */
export type Verdict = 'ahead' | 'behind' | 'spreads overlap' | 'too few samples';

/**
 * Whether `contender` is ahead of `baseline`: every contender sample better than every
 * baseline sample ("ahead"), every one worse ("behind"), or neither ("spreads overlap").
 * A side with one sample has no spread to go by, so it gets "too few samples" (run more
 * rounds). `higherIsBetter` is true for rates, false for costs (time, bytes).
 * @throws RangeError for an empty list (there is no spread to compare).
 */
export function verdict(contender: readonly number[], baseline: readonly number[], higherIsBetter = true): Verdict {
  if (contender.length === 0 || baseline.length === 0) throw new RangeError('verdict needs at least one sample on each side');
  if (contender.length < 2 || baseline.length < 2) return 'too few samples';
  const [lo, hi] = [Math.min(...contender), Math.max(...contender)];
  const [baseLo, baseHi] = [Math.min(...baseline), Math.max(...baseline)];
  if (lo > baseHi) return higherIsBetter ? 'ahead' : 'behind';
  if (hi < baseLo) return higherIsBetter ? 'behind' : 'ahead';
  return 'spreads overlap';
}
