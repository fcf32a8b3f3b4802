/**
 * Runs a handler so that a client who goes away cancels it, at no cost to a handler that
 * never blocks.
 *
 * Seeing the client go (its end of stream, a reset) means reading the socket while the
 * handler runs. A task doing that for every request would cost a spawn and a cancel each:
 * more than the rest of a small request. So the handler's generator is stepped here, in the
 * connection's task, and the watcher task is started only the first time the handler blocks
 * with its request body read to the end (before that, the handler's own body reads see the
 * client go), other than in a write: a response larger than Node's high-water mark waits for
 * `'drain'` on nearly every request (16 KiB echoes), and a client that goes away fails that
 * write anyway. The watcher reads on (bytes of a pipelined next request go to the parser),
 * and on the end of stream cancels the connection's task; when the handler is done the
 * watcher is cancelled. (The kernel resumes a task only with `next` and `throw`, so these
 * two are all the stepping has to pass on.)
 * @packageDocumentation
 * @internal
 */
import type { Operation, Task } from '@curio/kernel';

/** @internal The connection side of watching: whether a watcher may start now, and starting one. */
export interface Watchable {
  /** True when the request body has been read to its end and the client may still go away unseen. */
  readonly watchable: boolean;
  /** Starts the watcher task (synchronously: the handler's trap is about to be yielded). */
  startWatcher(): Task;
}

/** @internal Runs `op` in the calling task, with a watcher from the first blocking point at which `conn` is watchable. */
export function* watched<T>(op: Operation<T>, conn: Watchable): Operation<T> {
  let watcher: Task | null = null;
  try {
    let step = op.next();
    while (step.done !== true) {
      if (watcher === null && conn.watchable && step.value.name !== 'WRITE_WAIT') watcher = conn.startWatcher();
      let sent: unknown;
      try {
        sent = yield step.value;
      } catch (error) {
        step = op.throw(error);
        continue;
      }
      step = op.next(sent);
    }
    return step.value;
  } finally {
    if (watcher !== null) yield* watcher.cancel();
  }
}
