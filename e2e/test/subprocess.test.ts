/**
 * Subprocess scenarios with real child processes: a 100 MB pipeline checked by hash,
 * 200 children at once, a child cancelled mid-stream and a `run` that times out. After
 * each, no child is left (not even a zombie) and no descriptor stays open.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  run, spawn, sleep, TaskGroup, Popen, runProcess, TimeoutExpired, TaskCancelled, type Operation,
} from 'curio';
import { WORKSPACE_ROOT } from '../src/server-process.js';

jest.setTimeout(300_000);

/** This process's children, zombies included (from /proc). */
function childPids(): number[] {
  const me = String(process.pid);
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === me) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

const openFds = (): number => readdirSync('/proc/self/fd').length;

/** Waits in 10 ms steps (at most 30 s of them) for Node to finish closing and reaping. */
function* settled(baseline: number): Operation<{ children: number[]; fds: number }> {
  for (let i = 0; i < 3000 && (childPids().length > 0 || openFds() > baseline); i++) yield* sleep(10);
  return { children: childPids(), fds: openFds() };
}

let baselineFds = 0;

beforeAll(async () => {
  // The first spawn opens libuv's SIGCHLD pipe for good: count descriptors after it.
  await run(function* () {
    yield* runProcess(['true']);
  });
  baselineFds = openFds();
});

const MB = 1000 * 1000;
const BLOCK = 1 << 20;

/** The producer: `total` bytes of lowercase text, each 1 MiB block different, written with backpressure. */
const PRODUCER = `
const total = Number(process.argv[1]);
const block = Buffer.alloc(${BLOCK});
let sent = 0, n = 0;
function fill() {
  let x = (n++ * 2654435761) >>> 0;
  for (let i = 0; i < block.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    block[i] = i % 64 === 63 ? 10 : 97 + ((x >>> 16) % 26);
  }
}
function next() {
  while (sent < total) {
    fill();
    const chunk = block.subarray(0, Math.min(block.length, total - sent));
    sent += chunk.length;
    if (!process.stdout.write(Buffer.from(chunk))) return process.stdout.once('drain', next);
  }
}
next();
`;

/** The same bytes as the producer, uppercased, hashed here: what the pipeline must deliver. */
function expectedDigest(total: number): string {
  const hash = createHash('sha256');
  const block = Buffer.alloc(BLOCK);
  let sent = 0;
  for (let n = 0; sent < total; n++) {
    let x = (n * 2654435761) >>> 0;
    for (let i = 0; i < block.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      block[i] = i % 64 === 63 ? 10 : 65 + ((x >>> 16) % 26);
    }
    const chunk = block.subarray(0, Math.min(block.length, total - sent));
    hash.update(chunk);
    sent += chunk.length;
  }
  return hash.digest('hex');
}

test('a pipeline of real processes moves 100 MB (node producer | tr | this task), checked by hash', async () => {
  const total = 100 * MB;
  const out = await run(function* () {
    using producer = yield* Popen.start([process.execPath, '-e', PRODUCER, String(total)], { stdout: 'pipe' });
    using filter = yield* Popen.start(['tr', 'a-z', 'A-Z'], { stdin: producer.stdout, stdout: 'pipe' });
    const hash = createHash('sha256');
    let received = 0;
    for (;;) {
      const chunk = yield* filter.stdout!.read();
      if (chunk.length === 0) break;
      received += chunk.length;
      hash.update(chunk);
    }
    const statuses = [yield* producer.wait(), yield* filter.wait()];
    filter.close();
    return { received, digest: hash.digest('hex'), statuses, left: yield* settled(baselineFds) };
  });
  expect(out.received).toBe(total);
  expect(out.digest).toBe(expectedDigest(total));
  expect(out.statuses).toEqual([0, 0]);
  expect(out.left).toEqual({ children: [], fds: baselineFds });
});

test('200 children started at once: every one reaped, every exit code right', async () => {
  const count = 200;
  // Exit codes 0..199, and every tenth child kills itself with a signal instead.
  const expected = Array.from({ length: count }, (_, i) => (i % 10 === 9 ? (i % 20 === 9 ? -15 : -9) : i));
  const out = await run(function* () {
    const group = new TaskGroup();
    for (let i = 0; i < count; i++) {
      const script = i % 10 !== 9 ? `echo ${i}; exit ${i}` : `echo ${i}; kill -${i % 20 === 9 ? 'TERM' : 'KILL'} $$`;
      yield* group.spawn(function* () {
        const done = yield* runProcess(['sh', '-c', script], { capture: true, encoding: 'utf-8' });
        return { returncode: done.returncode, stdout: done.stdout };
      });
    }
    yield* group.join();
    const results = group.results as Array<{ returncode: number; stdout: string }>;
    return { results, left: yield* settled(baselineFds) };
  });
  expect(out.results.map((r) => r.returncode)).toEqual(expected);
  expect(out.results.map((r) => r.stdout)).toEqual(expected.map((_, i) => `${i}\n`));
  expect(out.left).toEqual({ children: [], fds: baselineFds });
});

test('a child cancelled mid-stream is terminated and reaped; no descriptor is left', async () => {
  const out = await run(function* () {
    let received = 0;
    let pid = 0;
    const reader = yield* spawn(function* () {
      using p = yield* Popen.start(['sh', '-c', 'exec yes curio'], { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' });
      pid = p.pid;
      for (;;) {
        const chunk = yield* p.stdout!.read();
        if (chunk.length === 0) return 'ended';
        received += chunk.length;
      }
    });
    while (received < 10 * MB) yield* sleep(5);
    yield* reader.cancel();
    return { cancelled: reader.exception instanceof TaskCancelled, streamed: received >= 10 * MB, pid, left: yield* settled(baselineFds) };
  });
  expect(out.cancelled).toBe(true);
  expect(out.streamed).toBe(true);
  expect(out.pid).toBeGreaterThan(0);
  expect(out.left).toEqual({ children: [], fds: baselineFds });
});

test('a run that times out: TimeoutExpired, the child (streaming, or ignoring SIGTERM) killed and reaped', async () => {
  const out = await run(function* () {
    const errors: unknown[] = [];
    for (const [args, gracePeriod] of [
      [['sh', '-c', 'exec yes curio'], 5000],
      [['sh', '-c', "trap '' TERM; while :; do echo waiting; sleep 0.05; done"], 200],
    ] as const) {
      try {
        yield* runProcess([...args], { capture: true, timeout: 300, gracePeriod });
        errors.push('no timeout');
      } catch (e) {
        errors.push(e);
      }
    }
    return { errors, left: yield* settled(baselineFds) };
  });
  for (const e of out.errors) {
    expect(e).toBeInstanceOf(TimeoutExpired);
    expect((e as TimeoutExpired<Buffer>).timeout).toBe(300);
  }
  expect(out.left).toEqual({ children: [], fds: baselineFds });
});

test('no timer, handle or listener is left: a fresh process using timeouts, close() and communicate ends with nothing active', async () => {
  const curio = pathToFileURL(join(WORKSPACE_ROOT, 'libs/curio/dist/index.js')).href;
  const script = `
    import { run, runProcess, Popen, TimeoutExpired } from ${JSON.stringify(curio)};
    // Node's net code opens process.stderr when it destroys a socket: count this process's
    // own stdio pipes in the baseline.
    void process.stdout, process.stderr;
    await new Promise((resolve) => setImmediate(resolve)); // let start-up requests finish
    const before = process.getActiveResourcesInfo();
    await run(function* () {
      try { yield* runProcess(['sleep', '30'], { capture: true, timeout: 100 }); }
      catch (e) { if (!(e instanceof TimeoutExpired)) throw e; }
      const p = yield* Popen.start(['sleep', '30'], { stdin: 'pipe', stdout: 'pipe' });
      p.close(); // arms the SIGKILL timer; the exit after SIGTERM must clear it
      yield* p.wait();
      const q = yield* Popen.start(['cat'], { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' });
      yield* q.communicate('x');
    });
    // Node closes a finished child's handle on the next turn of its loop.
    setImmediate(() => console.log(JSON.stringify({ before, after: process.getActiveResourcesInfo() })));
  `;
  const out = await run(function* () {
    return yield* runProcess([process.execPath, '--input-type=module', '-e', script], { capture: true, encoding: 'utf-8' });
  });
  expect(out.stderr).toBe('');
  expect(out.returncode).toBe(0);
  const { before, after } = JSON.parse(out.stdout as string) as { before: string[]; after: string[] };
  expect(after).toEqual(before);
});
