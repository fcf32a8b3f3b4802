/**
 * Clocks drive the kernel's notion of time. The kernel keeps one time queue and asks
 * its clock for a single wake-up at the earliest deadline; the clock owns the one Node
 * timer behind it.
 * @packageDocumentation
 */
import { describeValue } from './describe-value.js';

/**
 * What the kernel needs from a clock. Times are milliseconds.
 * @example
 * ```ts
 * const clock: Clock = new VirtualClock();
 * const kernel = new Kernel({ clock });
 * console.log(clock.now());   // 0
 * ```
 */
export interface Clock {
  /** The current monotonic time in milliseconds. */
  now(): number;
  /**
   * Arrange for `wake` to be called once, at or after `deadline`. A new call replaces
   * the previous request; the kernel calls it only when the earliest deadline changes.
   */
  wakeAt(deadline: number, wake: () => void): void;
  /** Cancel the pending wake-up, if any. */
  cancelWake(): void;
}

/**
 * The real monotonic clock (`performance.now()`), waking through one Node timer.
 * @example
 * ```ts
 * const kernel = new Kernel({ clock: new RealClock() });   // the default
 * ```
 */
export class RealClock implements Clock {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private armedFor = Infinity;

  now(): number {
    return performance.now();
  }

  wakeAt(deadline: number, wake: () => void): void {
    if (this.timer !== null && deadline === this.armedFor) return;
    this.cancelWake();
    this.armedFor = deadline;
    // Node timers have 1 ms granularity and may fire a little early; the kernel checks
    // its time queue again when woken and re-arms for whatever has not expired.
    const delay = Math.max(0, Math.ceil(deadline - performance.now()));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.armedFor = Infinity;
      wake();
    }, delay);
  }

  cancelWake(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = Infinity;
  }
}

/**
 * Options of {@link VirtualClock}.
 * @example
 * ```ts
 * const options: VirtualClockOptions = { start: 1_000, autojumpMs: 0 };
 * const kernel = new Kernel({ clock: new VirtualClock(options) });
 * ```
 */
export interface VirtualClockOptions {
  /** The clock's starting time in ms. Default 0. */
  start?: number;
  /**
   * How long (real ms) the kernel must sit idle, with every task blocked, before time
   * jumps to the next deadline. 0 (the default) jumps after one turn of Node's event
   * loop, so pending I/O callbacks still run before time moves. `Infinity` turns
   * jumping off: time then moves only through {@link VirtualClock.advance}.
   */
  autojumpMs?: number;
}

/**
 * A clock for tests: time stands still while any task can run and jumps straight to the
 * next deadline once every task is blocked, so a one-hour timeout is tested instantly.
 * Time can also be moved by hand with {@link VirtualClock.advance}.
 * @example
 * ```ts
 * const kernel = new Kernel({ clock: new VirtualClock() });
 * await kernel.run(function* () {
 *   yield* sleep(3_600_000);   // returns at once: time jumps while every task is blocked
 * });
 * ```
 */
export class VirtualClock implements Clock {
  private current: number;
  private readonly autojumpMs: number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private pending: { deadline: number; wake: () => void } | null = null;

  constructor(options: VirtualClockOptions = {}) {
    this.current = options.start ?? 0;
    this.autojumpMs = options.autojumpMs ?? 0;
  }

  now(): number {
    return this.current;
  }

  wakeAt(deadline: number, wake: () => void): void {
    this.cancelWake();
    this.pending = { deadline, wake };
    if (!Number.isFinite(this.autojumpMs)) return;
    // The kernel only asks for a wake-up when its ready queue is empty: every task is
    // blocked. Give Node's event loop a turn (I/O may still wake someone), then jump.
    this.timer = setTimeout(() => {
      this.timer = null;
      const pending = this.pending;
      this.pending = null;
      if (pending === null) return;
      if (pending.deadline > this.current) this.current = pending.deadline;
      pending.wake();
    }, this.autojumpMs);
  }

  cancelWake(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
  }

  /**
   * Moves time forward by `ms` and wakes the kernel if a deadline has passed.
   * @throws RangeError if `ms` is negative or not finite.
   */
  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`VirtualClock.advance(): ms must be a finite number >= 0, got ${describeValue(ms)}`);
    this.current += ms;
    const pending = this.pending;
    if (pending !== null && pending.deadline <= this.current) {
      this.cancelWake();
      pending.wake();
    }
  }
}
