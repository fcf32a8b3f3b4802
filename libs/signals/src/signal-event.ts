/**
 * {@link SignalEvent}: an event set by a signal (Curio's `SignalEvent`).
 * @packageDocumentation
 */
import type { Operation } from '@curio/kernel';
import { SignalWatcher } from './watcher.js';

/**
 * An event that any of the given signals sets, watched from the moment it is created
 * until it is closed. {@link SignalEvent.wait} returns once it is set; like the kernel's
 * `Event`, it stays set until {@link SignalEvent.clear}. Several events and queues may
 * watch one signal; while an event is open, Node's default behaviour for its signals is
 * off, and it comes back when the last watcher of that signal closes. Close it with
 * `using` or {@link SignalEvent.close}.
 *
 * @example
 * ```ts
 * function* server() {
 *   using stop = new SignalEvent('SIGTERM', 'SIGINT');
 *   const worker = yield* spawn(serveClients);
 *   const signal = yield* stop.wait();
 *   console.log(`stopping on ${signal}`);
 *   yield* worker.cancel();
 * }
 * ```
 */
export class SignalEvent extends SignalWatcher {
  private flag = false;
  private last: NodeJS.Signals | null = null;

  /**
   * Starts watching `signals` (names such as `'SIGTERM'`; duplicates are ignored).
   * @throws TypeError for an unknown name (it is named in the message), a signal that
   *   cannot be caught (`SIGKILL`, `SIGSTOP`) or no signal at all.
   */
  constructor(...signals: NodeJS.Signals[]) {
    super('SignalEvent', signals);
  }

  /** True if a watched signal has arrived since the event was created or last cleared. */
  isSet(): boolean {
    return this.flag;
  }

  /** The signal that set the event most recently, or null if none has arrived yet. */
  get signal(): NodeJS.Signals | null {
    return this.last;
  }

  /** Clears the event: {@link SignalEvent.wait} blocks again until the next signal. Never blocks. */
  clear(): void {
    this.flag = false;
  }

  /**
   * Returns at once if the event is set, otherwise waits (state `SIGNAL_WAIT`) until a
   * watched signal arrives; every waiting task is woken. Returns the signal that set it.
   * A woken task returns even if the event is cleared again before it runs.
   * @throws ClosedSignalWatcherError if the event is closed and not set, before or during the wait.
   */
  *wait(): Operation<NodeJS.Signals> {
    if (this.flag) return this.last!;
    return yield* this.waitForSignal('wait');
  }

  /** `SignalEvent(SIGTERM, SIGINT; set by SIGTERM)`. */
  override toString(): string {
    const state = this.flag ? `set by ${this.last}` : 'unset';
    return `${this.describe().slice(0, -1)}; ${state}${this.closed ? ', closed' : ''})`;
  }

  protected override received(signal: NodeJS.Signals): void {
    this.flag = true;
    this.last = signal;
    this.wake(Infinity, signal);
  }
}
