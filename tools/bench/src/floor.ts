/**
 * The bare-V8 floor of closure spawn+join: what creating and running the same inline
 * closure generators costs with no library at all, measured in the same process as the
 * contender so that both see the same JIT state and heap.
 * @packageDocumentation
 */
import { check, triangle } from './contender.js';

/**
 * Creates `n` generators from inline closures (`function* () { return i; }`, one closure
 * per task, all alive at once like spawned tasks), then runs each to its end and sums the
 * results. Returns the elapsed milliseconds.
 */
export function closureFloor(n: number): number {
  const start = performance.now();
  const gens: Generator<never, number, unknown>[] = new Array(n);
  for (let i = 0; i < n; i++) {
    gens[i] = (function* () {
      return i;
    })();
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += gens[i].next().value as number;
  const elapsed = performance.now() - start;
  check('V8 floor sum', sum, triangle(n));
  return elapsed;
}
