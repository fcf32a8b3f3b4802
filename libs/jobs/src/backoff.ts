/**
 * {@link Backoff}: how long a failed job waits before its next attempt, and the
 * jitter that keeps many failed jobs from coming back at the same instant.
 * @packageDocumentation
 */

/**
 * How long a failed job waits before it is tried again: a number is an exponential backoff
 * from that many ms; `fixed` waits `delay` each time; `exponential` waits `delay * 2^(n-1)`
 * after the n-th failure (at most `maxDelay`). Every wait gets a jitter: it is drawn
 * between half of it and all of it.
 *
 * @example
 * ```ts
 * import type { Backoff } from '@curio/jobs';
 * const gentle: Backoff = { type: 'exponential', delay: 500, maxDelay: 60_000 };
 * yield* queue.add({ to: 'ann' }, { attempts: 5, backoff: gentle });
 * ```
 */
export type Backoff = number | { type: 'fixed' | 'exponential'; delay: number; maxDelay?: number };

/** @internal A backoff checked and filled in, as stored with the job. */
export interface BackoffSpec {
  type: 'fixed' | 'exponential';
  delay: number;
  maxDelay: number;
}

/** @internal The default: exponential from one second, at most an hour. */
export const DEFAULT_BACKOFF: BackoffSpec = { type: 'exponential', delay: 1000, maxDelay: 3_600_000 };

/** @internal Checks a {@link Backoff} given to `add`. */
export function checkBackoff(method: string, backoff: Backoff | undefined): BackoffSpec {
  if (backoff === undefined) return DEFAULT_BACKOFF;
  if (typeof backoff === 'number') return { ...DEFAULT_BACKOFF, delay: checkMs(method, 'backoff', backoff) };
  if (typeof backoff !== 'object' || backoff === null) throw new TypeError(`${method}(): backoff must be a number of ms or { type, delay }, got ${String(backoff)}`);
  if (backoff.type !== 'fixed' && backoff.type !== 'exponential') throw new TypeError(`${method}(): backoff.type must be 'fixed' or 'exponential', got ${String(backoff.type)}`);
  const delay = checkMs(method, 'backoff.delay', backoff.delay);
  const maxDelay = backoff.maxDelay === undefined ? Math.max(delay, DEFAULT_BACKOFF.maxDelay) : checkMs(method, 'backoff.maxDelay', backoff.maxDelay);
  return { type: backoff.type, delay, maxDelay };
}

/** @internal A finite number of ms >= 0. */
export function checkMs(method: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new RangeError(`${method}(): ${name} must be a finite number of ms >= 0, got ${String(value)}`);
  return value;
}

/** @internal The wait after the `failures`-th failure (1 for the first), jitter included. */
export function backoffDelay(spec: BackoffSpec, failures: number, random: () => number = Math.random): number {
  const full = spec.type === 'fixed' ? spec.delay : spec.delay * 2 ** Math.min(failures - 1, 52);
  const capped = Math.min(full, spec.maxDelay);
  return Math.round(capped / 2 + (random() * capped) / 2);
}
