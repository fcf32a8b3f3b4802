/**
 * When {@link runCluster} replaces a worker that died: after a delay that doubles with
 * each death in a row (up to a cap), and not at all once too many restarts fell within a
 * window, so a worker that crashes right after it starts is not forked for ever.
 * @packageDocumentation
 */
import { describeValue } from '@curio/kernel';

/**
 * How `runCluster` restarts workers that die (option `restart` of {@link ClusterOptions}).
 *
 * @example
 * ```ts
 * // Wait 0.5 s, 1 s, 2 s, ... (at most 30 s) between restarts; give up after 5 within a minute.
 * const restart: RestartOptions = { delayMs: 500, maxDelayMs: 30_000, maxRestarts: 5, windowMs: 60_000 };
 * await runCluster(echoServer, { args: [['', 25000]], restart });
 * ```
 */
export interface RestartOptions {
  /** The delay (ms) before the first replacement; it doubles with each death in a row. Default 100. */
  delayMs?: number;
  /** The longest delay (ms) between a death and its replacement. Default 10,000. */
  maxDelayMs?: number;
  /** At most this many restarts within `windowMs`; one more and the cluster gives up. Default 10. */
  maxRestarts?: number;
  /**
   * The window (ms) the restarts are counted in. A worker that stayed up this long before
   * it died was not crashing in a loop: the delay goes back to `delayMs`. Default 60,000.
   */
  windowMs?: number;
}

const DEFAULTS: Required<RestartOptions> = { delayMs: 100, maxDelayMs: 10_000, maxRestarts: 10, windowMs: 60_000 };

/** Checks `restart` (a TypeError/RangeError naming the option) and fills in the defaults. */
export function restartOptions(restart: unknown): Required<RestartOptions> {
  if (restart === undefined) return DEFAULTS;
  if (restart === null || typeof restart !== 'object') throw new TypeError(`runCluster(): option restart must be an object, got ${describeValue(restart)}`);
  const options = { ...DEFAULTS, ...restart } as Record<keyof RestartOptions, unknown>;
  for (const name of ['delayMs', 'maxDelayMs', 'windowMs'] as const) {
    const value = options[name];
    if (typeof value !== 'number' || !(value >= 0) || value === Infinity) throw new RangeError(`runCluster(): restart.${name} must be a finite number of milliseconds >= 0, got ${describeValue(value)}`);
  }
  const { maxRestarts } = options;
  if (typeof maxRestarts !== 'number' || !Number.isSafeInteger(maxRestarts) || maxRestarts < 0) {
    throw new RangeError(`runCluster(): restart.maxRestarts must be an integer >= 0, got ${describeValue(maxRestarts)}`);
  }
  return options as Required<RestartOptions>;
}

/** The restarts of one cluster: when the next one may happen, if at all. */
export class RestartSchedule {
  /** The delay given for the last death, doubled for each death in a row (null: none yet, or reset). */
  private delay: number | null = null;
  /** When (ms, `now()`) the restarts within the last window happened. */
  private recent: number[] = [];

  constructor(
    private readonly options: Required<RestartOptions>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * A worker died after `livedMs`: how long to wait (ms) before replacing it, or `null`
   * when `maxRestarts` restarts already happened within the window.
   */
  next(livedMs: number): number | null {
    const { delayMs, maxDelayMs, maxRestarts, windowMs } = this.options;
    const now = this.now();
    this.recent = this.recent.filter((at) => now - at < windowMs);
    if (this.recent.length >= maxRestarts) return null;
    this.recent.push(now);
    this.delay = this.delay === null || livedMs >= windowMs ? Math.min(delayMs, maxDelayMs) : Math.min(this.delay * 2, maxDelayMs);
    return this.delay;
  }
}
