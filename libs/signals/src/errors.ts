/**
 * The errors of `@curio/signals`.
 * @packageDocumentation
 */
import { CurioError } from '@curio/kernel';

/**
 * A task waited on a {@link SignalQueue} or {@link SignalEvent} that is closed and has
 * nothing left to give: it was closed before the call, or while the task was waiting.
 * Signals that arrived before the close are still handed out first.
 *
 * @example
 * ```ts
 * const q = new SignalQueue('SIGHUP');
 * q.close();
 * try { yield* q.get(); } catch (e) { if (e instanceof ClosedSignalWatcherError) console.log(e.message); }
 * ```
 */
export class ClosedSignalWatcherError extends CurioError {}
