/**
 * {@link JobQueueError}: the queue could not do what was asked (Redis unreachable, most often).
 * @packageDocumentation
 */

/**
 * The queue could not reach Redis (its `cause` is the connection's error), or Redis
 * answered in a way the queue cannot use.
 *
 * @example
 * ```ts
 * import { JobQueueError } from '@curio/jobs';
 * try { yield* queue.add({ n: 1 }); }
 * catch (e) { if (e instanceof JobQueueError) console.error('queue down:', e.message); else throw e; }
 * ```
 */
export class JobQueueError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JobQueueError';
  }
}
