/**
 * The Redis keys of one queue. They share the hash tag `{name}` so that every key of a
 * queue lands in the same cluster slot (the Lua scripts touch several at once).
 * @packageDocumentation
 */

/** @internal The keys and the consumer group of the queue called `name`. */
export interface QueueKeys {
  /** The stream of jobs ready to run (and running: delivered, not yet acknowledged). */
  readonly stream: string;
  /** The consumer group every worker of the queue reads in. */
  readonly group: string;
  /** A sorted set of delayed job ids (a retry waiting out its backoff, or `delay`), by due time in ms. */
  readonly delayed: string;
  /** A sorted set of dead job ids, by the time they died. */
  readonly dead: string;
  /** The set of job ids given to `add` (what makes `jobId` idempotent). */
  readonly ids: string;
  /** The prefix of the hash that holds a delayed or dead job: `job + id`. */
  readonly job: string;
}

/** @internal */
export function queueKeys(name: string): QueueKeys {
  const base = `curio:jobs:{${name}}`;
  return { stream: `${base}:stream`, group: 'workers', delayed: `${base}:delayed`, dead: `${base}:dead`, ids: `${base}:ids`, job: `${base}:job:` };
}
