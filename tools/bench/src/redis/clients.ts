/**
 * The same two workloads written for each Redis client: Curio's `@curio/redis`, `ioredis`
 * and `redis` (node-redis). Each returns how many commands it completed in `ms`
 * milliseconds, and checks the replies it got (a fast wrong client cannot win).
 * @packageDocumentation
 */
import { Redis as IORedis } from 'ioredis';
import { createClient } from 'redis';
import { run, clock, type Operation } from '@curio/kernel';
import { connect } from '@curio/redis';

/** A workload's result: commands completed and the time taken (ms). */
export interface Measured {
  commands: number;
  ms: number;
}

export type ClientName = 'curio' | 'ioredis' | 'node-redis';
export type Workload = 'roundtrip' | 'pipelined';
export const CLIENTS: ClientName[] = ['curio', 'ioredis', 'node-redis'];
export const WORKLOADS: Workload[] = ['roundtrip', 'pipelined'];

/** Commands per pipeline in the pipelined workload: half SET, half GET. */
export const BATCH = 1000;
const VALUE = 'v'.repeat(100);

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`wrong reply: ${what}`);
}

/** Runs `workload` for about `ms` with `client` against 127.0.0.1:`port`. */
export async function measure(client: ClientName, workload: Workload, port: number, ms: number): Promise<Measured> {
  if (client === 'curio') return run(curio(workload, port, ms));
  if (client === 'ioredis') return ioredis(workload, port, ms);
  return nodeRedis(workload, port, ms);
}

function* curio(workload: Workload, port: number, ms: number): Operation<Measured> {
  using conn = yield* connect({ port });
  const start = yield* clock();
  let commands = 0;
  let i = 0;
  for (;;) {
    if (workload === 'roundtrip') {
      for (let k = 0; k < 100; k++, i++) {
        yield* conn.set(`key:${i & 1023}`, VALUE);
        check((yield* conn.get(`key:${i & 1023}`)) === VALUE, 'GET');
      }
      commands += 200;
    } else {
      const p = conn.pipeline();
      for (let k = 0; k < BATCH / 2; k++) p.command('SET', `key:${k}`, VALUE).command('GET', `key:${k}`);
      const results = yield* p.exec();
      check(results.length === BATCH && results[BATCH - 1] === VALUE, 'pipeline');
      commands += BATCH;
    }
    const elapsed = (yield* clock()) - start;
    if (elapsed >= ms) return { commands, ms: elapsed };
  }
}

/** What the promise-based clients (ioredis, node-redis) differ in for the two workloads. */
interface PromiseClient {
  set(key: string, value: string): Promise<unknown>;
  get(key: string): Promise<unknown>;
  /** Sends BATCH commands (SET and GET of key:0.. alternating) as one pipeline; returns the replies' count and the last reply. */
  pipeline(): Promise<{ count: number; last: unknown }>;
}

/** The workload loop shared by the promise-based clients: runs for about `ms`. */
async function measurePromises(client: PromiseClient, workload: Workload, ms: number): Promise<Measured> {
  const start = performance.now();
  let commands = 0;
  let i = 0;
  for (;;) {
    if (workload === 'roundtrip') {
      for (let k = 0; k < 100; k++, i++) {
        await client.set(`key:${i & 1023}`, VALUE);
        check((await client.get(`key:${i & 1023}`)) === VALUE, 'GET');
      }
      commands += 200;
    } else {
      const { count, last } = await client.pipeline();
      check(count === BATCH && last === VALUE, 'pipeline');
      commands += BATCH;
    }
    const elapsed = performance.now() - start;
    if (elapsed >= ms) return { commands, ms: elapsed };
  }
}

async function ioredis(workload: Workload, port: number, ms: number): Promise<Measured> {
  const conn = new IORedis({ port, host: '127.0.0.1', lazyConnect: true, enableOfflineQueue: false });
  await conn.connect();
  try {
    return await measurePromises(
      {
        set: (key, value) => conn.set(key, value),
        get: (key) => conn.get(key),
        pipeline: async () => {
          const p = conn.pipeline();
          for (let k = 0; k < BATCH / 2; k++) p.set(`key:${k}`, VALUE).get(`key:${k}`);
          const results = (await p.exec()) ?? [];
          return { count: results.length, last: results[results.length - 1]?.[1] };
        },
      },
      workload,
      ms,
    );
  } finally {
    conn.disconnect();
  }
}

async function nodeRedis(workload: Workload, port: number, ms: number): Promise<Measured> {
  const conn = createClient({ socket: { host: '127.0.0.1', port } });
  await conn.connect();
  try {
    return await measurePromises(
      {
        set: (key, value) => conn.set(key, value),
        get: (key) => conn.get(key),
        pipeline: async () => {
          // node-redis pipelines the commands issued in one tick (its documented way).
          const pending: Array<Promise<unknown>> = [];
          for (let k = 0; k < BATCH / 2; k++) pending.push(conn.set(`key:${k}`, VALUE), conn.get(`key:${k}`));
          const results = await Promise.all(pending);
          return { count: results.length, last: results[results.length - 1] };
        },
      },
      workload,
      ms,
    );
  } finally {
    conn.destroy();
  }
}
