/**
 * `@curio/jobs`: a durable job queue across processes and machines on Redis Streams
 * (consumer groups: XADD, XREADGROUP, XACK, XAUTOCLAIM, XPENDING), on `@curio/redis`.
 * Delivery is at least once; failed jobs are retried with backoff and then kept in the
 * dead letters; cancelling `work` stops it gracefully.
 * @packageDocumentation
 */
export { JobQueue, type AddOptions, type JobAdded, type JobCounts, type DeadJob, type JobQueueOptions } from './queue.js';
export type { JobHandler, WorkOptions } from './worker.js';
export type { Job } from './job.js';
export type { Backoff } from './backoff.js';
export type { JsonValue } from './json.js';
export { JobQueueError } from './errors.js';
