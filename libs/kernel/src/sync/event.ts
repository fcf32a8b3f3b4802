/**
 * {@link Event}: a flag tasks can wait for.
 * @packageDocumentation
 */
import type { Operation } from '../operation.js';
import { SchedBarrier } from '../waitqueue.js';
import { WaitOnce } from '../once.js';

/**
 * A flag, initially clear. {@link Event.wait} blocks until it is set; {@link Event.set}
 * wakes every waiting task at once. Setting and clearing never block.
 *
 * @example
 * ```ts
 * const ready = new Event();
 * yield* spawn(function* () { yield* ready.wait(); console.log('go'); });
 * ready.set();
 * ```
 */
export class Event {
  private flag = false;
  private readonly waiting = new SchedBarrier();
  private readonly trap = this.waiting.trap('EVENT_WAIT');

  /** True if the event is set. */
  isSet(): boolean {
    return this.flag;
  }

  /** Clears the event: later calls to {@link Event.wait} block again until the next `set`. */
  clear(): void {
    this.flag = false;
  }

  /**
   * Sets the event and wakes every task waiting on it. A woken task returns from `wait`
   * even if the event is cleared again before it runs. Never blocks.
   */
  set(): void {
    this.flag = true;
    if (this.waiting.length > 0) this.waiting.wake();
  }

  /** Returns at once if the event is set, otherwise waits until it is (state `EVENT_WAIT`). */
  wait(): Operation<void> {
    // Not a generator: an idle task parked here should cost as little as possible.
    return new WaitOnce('Event.wait', this.trap, this);
  }

  /** @internal */
  _waitOver(): boolean {
    return this.flag;
  }

  /** `Event(unset, waiters: 3)`. */
  toString(): string {
    return `Event(${this.flag ? 'set' : 'unset'}, waiters: ${this.waiting.length})`;
  }
}
