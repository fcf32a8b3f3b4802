/**
 * {@link Job}, what a handler gets, and how a job is read back from a stream entry or a
 * delayed/dead hash (fields `id`, `data`, `attempts`, `made`, `backoff`).
 * @packageDocumentation
 */
import type { RedisValue } from '@curio/redis';
import { DEFAULT_BACKOFF, type BackoffSpec } from './backoff.js';
import type { JsonValue } from './json.js';

/**
 * One job as its handler sees it: its id, its data (as given to `add`, through JSON), which
 * attempt this is (1 for the first) and how many it gets in all.
 *
 * @example
 * ```ts
 * import type { Job } from '@curio/jobs';
 * function* sendMail(job: Job<{ to: string }>) {
 *   console.log(`job ${job.id}, attempt ${job.attempt} of ${job.attempts}: mail to ${job.data.to}`);
 * }
 * ```
 */
export interface Job<T extends JsonValue = JsonValue> {
  /** The job's id: the `jobId` given to `add`, or one made up for it. */
  readonly id: string;
  /** The data given to `add`. */
  readonly data: T;
  /** Which attempt this is: 1 the first time, 2 after one failure, ... */
  readonly attempt: number;
  /** How many attempts the job gets before it goes to the dead letters. */
  readonly attempts: number;
}

/** @internal A job as stored: its fields, the data still JSON text. */
export interface StoredJob {
  id: string;
  data: string;
  attempts: number;
  /** Failed attempts so far. */
  made: number;
  backoff: string;
}

/** @internal A delivered job: the stream entry it came in and the job. */
export interface Delivery {
  entryId: string;
  job: StoredJob;
}

/** @internal The fields of a flat `[name, value, ...]` reply (a stream entry, HGETALL) as a record. */
export function fieldsOf(reply: RedisValue): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}

/** @internal A job from its stored fields (missing ones get harmless defaults: the job then fails on its data, visibly). */
export function storedJob(fields: Record<string, string>): StoredJob {
  return {
    id: fields.id ?? '',
    data: fields.data ?? '',
    attempts: Number(fields.attempts ?? 1) || 1,
    made: Number(fields.made ?? 0) || 0,
    backoff: fields.backoff ?? JSON.stringify(DEFAULT_BACKOFF),
  };
}

/** @internal Entries `[[id, [field, value, ...]], ...]` of XREADGROUP, XAUTOCLAIM and XCLAIM, skipping deleted ones (nil). */
export function deliveriesOf(entries: RedisValue): Delivery[] {
  const out: Delivery[] = [];
  if (!Array.isArray(entries)) return out;
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length < 2 || entry[1] === null) continue;
    out.push({ entryId: String(entry[0]), job: storedJob(fieldsOf(entry[1])) });
  }
  return out;
}

/** @internal The backoff stored with a job. */
export function backoffOf(job: StoredJob): BackoffSpec {
  try {
    const spec = JSON.parse(job.backoff) as BackoffSpec;
    if ((spec.type === 'fixed' || spec.type === 'exponential') && Number.isFinite(spec.delay) && Number.isFinite(spec.maxDelay)) return spec;
  } catch {
    // fall through to the default
  }
  return DEFAULT_BACKOFF;
}
