/**
 * What {@link SignalQueue} and {@link SignalEvent} share: watching a set of signals from
 * construction until `close()` (one `process` listener per signal, so several watchers
 * of one signal coexist and Node's default behaviour for it returns when the last one
 * closes), and parking tasks until a signal wakes them.
 * @packageDocumentation
 */
import { park, type Operation, type Waker } from '@curio/kernel';
import { checkSignals } from './signal-names.js';
import { holdProcessOpen } from './keep-alive.js';
import { ClosedSignalWatcherError } from './errors.js';

/** A task parked in a watcher, and its hold on the process. */
interface Waiter {
  waker: Waker<NodeJS.Signals>;
  release: () => void;
}

/** The state of a task waiting for a signal. */
const SIGNAL_WAIT = 'SIGNAL_WAIT';

/**
 * The base of {@link SignalQueue} and {@link SignalEvent}: a set of signals watched from
 * construction until {@link SignalWatcher.close}. Not created directly.
 *
 * @example
 * ```ts
 * function watching(w: SignalWatcher): string {
 *   return `${w.signals.join(', ')}${w.closed ? ' (closed)' : ''}`;
 * }
 * ```
 */
export abstract class SignalWatcher implements Disposable {
  /** The signals watched, without duplicates, in the order given. */
  readonly signals: readonly NodeJS.Signals[];
  private isClosed = false;
  /** Parked tasks, oldest first (a Set keeps insertion order and removes in O(1)). */
  private readonly waiters = new Set<Waiter>();
  private readonly listener = (signal: NodeJS.Signals): void => this.received(signal);

  constructor(
    private readonly kind: string,
    signals: readonly unknown[],
  ) {
    this.signals = checkSignals(kind, signals);
    for (const signal of this.signals) process.on(signal, this.listener);
  }

  /** True once {@link SignalWatcher.close} has been called. */
  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Stops watching: removes this watcher's listeners (when it was the last watcher of a
   * signal, Node's default behaviour for that signal is back). Signals already received
   * stay readable; tasks still waiting fail with {@link ClosedSignalWatcherError}.
   * Idempotent; never blocks.
   */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const signal of this.signals) process.off(signal, this.listener);
    for (const waiter of this.takeWaiters(Infinity)) waiter.waker.fail(this.closedError('was closed while a task was waiting'));
  }

  /** `using q = new SignalQueue(...)` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** A signal arrived (called from Node's event loop, outside any task). */
  protected abstract received(signal: NodeJS.Signals): void;

  /** Wakes up to `n` waiting tasks, oldest first, with `signal` as what their wait returns. */
  protected wake(n: number, signal: NodeJS.Signals): void {
    for (const waiter of this.takeWaiters(n)) waiter.waker.wake(signal);
  }

  /**
   * Parks the calling task until {@link SignalWatcher.wake} (returning the signal given
   * there) or {@link SignalWatcher.close} (failing it).
   * @throws ClosedSignalWatcherError at once if the watcher is closed.
   */
  protected waitForSignal(operation: string): Operation<NodeJS.Signals> {
    if (this.isClosed) throw this.closedError(`is closed: ${operation}() has nothing left to wait for`);
    return park<NodeJS.Signals>(SIGNAL_WAIT, (waker) => {
      const waiter: Waiter = { waker, release: holdProcessOpen() };
      this.waiters.add(waiter);
      return () => {
        this.waiters.delete(waiter);
        waiter.release();
      };
    });
  }

  /** `SignalQueue(SIGHUP, SIGUSR1)`. */
  protected describe(): string {
    return `${this.kind}(${this.signals.join(', ')})`;
  }

  private closedError(what: string): ClosedSignalWatcherError {
    return new ClosedSignalWatcherError(`${this.describe()} ${what}`);
  }

  private takeWaiters(n: number): Waiter[] {
    const taken: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (taken.length >= n) break;
      this.waiters.delete(waiter);
      waiter.release();
      taken.push(waiter);
    }
    return taken;
  }
}
