/**
 * {@link SignalQueue}: signals as a queue a task reads (Curio's `SignalQueue`).
 * @packageDocumentation
 */
import type { Operation } from '@curio/kernel';
import { SignalWatcher } from './watcher.js';

/**
 * Queues the given signals from the moment it is created until it is closed; a task
 * takes them in arrival order with {@link SignalQueue.get}. Each queue gets every
 * watched signal that arrives while it is open, however many other queues and events
 * watch the same signal. While a queue is open, Node's default behaviour for its signals
 * (SIGINT and SIGTERM end the process, SIGUSR1 starts the inspector, ...) is off; it comes
 * back when the last watcher of that signal closes. Close it with `using` or
 * {@link SignalQueue.close}.
 *
 * @example
 * ```ts
 * function* reloader() {
 *   using signals = new SignalQueue('SIGHUP', 'SIGUSR1');
 *   while (true) {
 *     const signal = yield* signals.get();
 *     if (signal === 'SIGHUP') yield* reloadConfig();
 *     else console.log('status: ok');
 *   }
 * }
 * ```
 */
export class SignalQueue extends SignalWatcher {
  private readonly pending: NodeJS.Signals[] = [];

  /**
   * Starts watching `signals` (names such as `'SIGHUP'`; duplicates are ignored).
   * @throws TypeError for an unknown name (it is named in the message), a signal that
   *   cannot be caught (`SIGKILL`, `SIGSTOP`) or no signal at all.
   */
  constructor(...signals: NodeJS.Signals[]) {
    super('SignalQueue', signals);
  }

  /**
   * Returns the oldest signal received and not yet taken, waiting (state `SIGNAL_WAIT`)
   * until one arrives. Several tasks may wait; each signal goes to one of them, oldest
   * waiter first. Cancelled, it loses nothing: a signal it did not return stays queued.
   * @throws ClosedSignalWatcherError if the queue is closed and empty, before or during the wait.
   */
  *get(): Operation<NodeJS.Signals> {
    for (;;) {
      const signal = this.pending.shift();
      if (signal !== undefined) return signal;
      yield* this.waitForSignal('get');
    }
  }

  /** How many signals are queued. */
  size(): number {
    return this.pending.length;
  }

  /** True if no signal is queued. */
  empty(): boolean {
    return this.pending.length === 0;
  }

  /** `SignalQueue(SIGHUP, SIGUSR1; queued: 1)`. */
  override toString(): string {
    return `${this.describe().slice(0, -1)}; queued: ${this.pending.length}${this.closed ? ', closed' : ''})`;
  }

  protected override received(signal: NodeJS.Signals): void {
    this.pending.push(signal);
    this.wake(1, signal);
  }
}
