/**
 * @curio/workers end to end, each example as its own process over 127.0.0.1:
 * - fib-server: while clients wait for CPU-bound Fibonacci numbers computed in the thread
 *   pool, other clients keep echoing (they finish before the Fibonacci answer, and their
 *   latency stays near the idle baseline, asserted loosely);
 * - echo-cluster: the seed's echo server in 2 processes on one port survives a worker
 *   killed with SIGKILL under load (it is replaced, new connections all work), and stops
 *   gracefully on SIGTERM without losing a connection that was open;
 * - thread-queue: a worker thread feeds a task through a bounded UniversalQueue.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { connectOne, echoExchange, RandomPool, waitUpTo, type EchoResult } from '../src/clients.js';
import { CHILD_ENV, example, ServerProcess } from '../src/server-process.js';

jest.setTimeout(300_000);

const perfect = (bytes: number): EchoResult => ({ sent: bytes, received: bytes, mismatchAt: null, sawEnd: true, error: null });

let server: ServerProcess | null = null;
let workerPids: number[] = [];

afterEach(async () => {
  await server?.dispose();
  server = null;
  // The primary's workers exit when it goes; make sure of it.
  for (const pid of workerPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  workerPids = [];
});

/** A line client: `ask(line)` sends a line and resolves with the reply line. */
function lineClient(socket: Socket) {
  let buffered = '';
  const waiting: Array<(line: string) => void> = [];
  socket.setEncoding('latin1');
  socket.on('data', (text: string) => {
    buffered += text;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      waiting.shift()?.(line);
    }
  });
  return {
    ask(line: string): Promise<string> {
      return new Promise((resolve) => {
        waiting.push(resolve);
        socket.write(`${line}\n`);
      });
    },
  };
}

/** Round-trip times (ms) of `n` echoed lines, one after another. */
async function echoLatencies(client: ReturnType<typeof lineClient>, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    expect(await client.ask(`ping ${i}`)).toBe(`ping ${i}`);
    times.push(performance.now() - start);
  }
  return times;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('fib-server keeps echoing while Fibonacci numbers are computed in the thread pool', async () => {
  const s = (server = await ServerProcess.start({ script: example('fib-server') }));
  const echo = lineClient(await connectOne(s.port));
  expect(await echo.ask('fib 20')).toBe('6765');
  const baseline = median(await echoLatencies(echo, 50));

  // Two clients keep both pool threads busy with fib(40) (about a second each, more on a busy machine).
  const heavy = await Promise.all([0, 1].map(async () => lineClient(await connectOne(s.port))));
  let answered = 0;
  const fibs = heavy.map((c) => c.ask('fib 40').then((answer) => {
    answered++;
    return answer;
  }));
  const loaded = await echoLatencies(echo, 50);
  // The echoes did not wait for the Fibonacci numbers: the kernel never stalled.
  expect(answered).toBe(0);
  expect(await Promise.all(fibs)).toEqual(['102334155', '102334155']);
  // Loosely: echo latency under load stays within a generous factor of the idle baseline.
  expect(median(loaded)).toBeLessThan(baseline * 20 + 50);
  expect(await s.stop('SIGTERM')).toEqual({ code: 143, signal: null });
  expect(s.stderr).toBe('');
});

test('thread-queue: a worker thread feeds a task through a bounded UniversalQueue', () => {
  const r = spawnSync(process.execPath, [example('thread-queue'), '200'], { env: CHILD_ENV, encoding: 'utf8', timeout: 120_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines.filter((l) => l.startsWith('reading '))).toHaveLength(8);
  const done = /^done: 200 readings, total \d+, at most (\d+) waiting in the queue of 8$/.exec(lines[lines.length - 1]);
  expect(done).not.toBeNull();
  expect(Number(done![1])).toBeLessThanOrEqual(8);
});

/**
 * A connection the server has accepted and echoes on: a one-byte probe has come back.
 * Connecting one at a time this way keeps the seed's accept queue (backlog 5) from
 * overflowing, which on this machine resets connections.
 */
async function connectServed(port: number): Promise<Socket> {
  const socket = await connectOne(port);
  socket.write('?');
  // A worker killed with the connection ends it with FIN or RST: 'close' either way.
  const probe = await new Promise<Buffer | null>((resolve) => {
    const onData = (data: Buffer) => done(data);
    const onClose = () => done(null);
    const done = (data: Buffer | null) => {
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(data);
    };
    socket.on('data', onData);
    socket.on('close', onClose);
  });
  if (probe === null) throw new Error('the connection closed before the probe came back');
  if (probe.toString() !== '?') throw new Error(`the probe came back as ${JSON.stringify(probe.toString())}`);
  // No more data comes until the caller sends some, so its own 'data' listener misses nothing.
  return socket;
}

/** Starts echo-cluster with 2 workers; resolves once both listen, with their pids. */
async function startCluster(): Promise<{ s: ServerProcess; pids: number[] }> {
  const s = await ServerProcess.start({
    script: example('echo-cluster'),
    args: (port) => [String(port), '--workers=2'],
    ready: (line) => line === 'cluster: 2 workers listening',
  });
  await s.waitForCount('Server listening at', 2);
  const pids = s.lines.filter((l) => l.startsWith('Server listening at')).map((l) => Number(/\(pid (\d+)\)/.exec(l)![1]));
  workerPids.push(...pids);
  return { s, pids };
}

test('echo-cluster survives a worker killed with SIGKILL under load: it is replaced and new connections work', async () => {
  const { s, pids } = await startCluster();
  server = s;
  const pool = new RandomPool(64 * 1024);
  let stop = false;
  let exchanges = 0;
  const failures: EchoResult[] = [];
  // Four clients, each opening connection after connection and echoing 64 KiB on each.
  const load = Array.from({ length: 4 }, async (_, i) => {
    while (!stop) {
      const socket = await connectServed(s.port).catch(() => null);
      if (socket === null) continue;
      const result = await echoExchange(socket, pool.window(i + exchanges));
      exchanges++;
      if (result.error !== null || result.mismatchAt !== null || result.received !== result.sent) failures.push(result);
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const before = exchanges;
  process.kill(pids[0], 'SIGKILL');
  await s.waitForLine((l) => l.startsWith(`cluster: worker ${pids[0]} died (killed by SIGKILL); starting a replacement`));
  const replacement = await s.waitForLine((l) => /^cluster: worker \d+ listening$/.test(l));
  workerPids.push(Number(/worker (\d+)/.exec(replacement)![1]));
  const atReplacement = exchanges;
  await new Promise((resolve) => setTimeout(resolve, 300));
  stop = true;
  // A client stranded on a dead worker would hang here: report it instead of timing out.
  expect(await waitUpTo(60_000, Promise.all(load))).not.toBe('still waiting');
  expect(before).toBeGreaterThan(0);
  expect(exchanges).toBeGreaterThan(atReplacement);
  // Only connections open on the killed worker can have failed: at most one per client.
  expect(failures.length).toBeLessThanOrEqual(4);

  // After the replacement every new connection is served, byte for byte.
  const sockets: Socket[] = [];
  for (let i = 0; i < 20; i++) sockets.push(await connectServed(s.port));
  const fresh = await Promise.all(sockets.map((socket, i) => echoExchange(socket, pool.window(i))));
  expect(fresh).toEqual(fresh.map(() => perfect(64 * 1024)));
  expect(await s.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  expect(s.lines).toContain('cluster: stopped');
});

test('echo-cluster stops gracefully on SIGTERM: open connections finish their echo, then every worker exits', async () => {
  const { s, pids } = await startCluster();
  server = s;
  const pool = new RandomPool(1024 * 1024);
  const sockets: Socket[] = [];
  for (let i = 0; i < 10; i++) sockets.push(await connectServed(s.port));
  let received = 0;
  for (const socket of sockets) socket.on('data', (d: Buffer) => (received += d.length));
  // Small windows, so the exchanges are still going on when the signal arrives.
  const exchanges = sockets.map((socket, i) => echoExchange(socket, pool.window(i), { chunk: 16 * 1024, window: 32 * 1024 }));
  while (received < 10 * 64 * 1024) await new Promise((resolve) => setTimeout(resolve, 5));
  const exited = s.stop('SIGTERM');
  const results = await Promise.all(exchanges);
  expect(results).toEqual(results.map(() => perfect(1024 * 1024)));
  expect(await exited).toEqual({ code: 0, signal: null });
  for (const pid of pids) expect(s.lines).toContain(`cluster: worker ${pid} stopped (exit code 0)`);
  expect(s.lines[s.lines.length - 1]).toBe('cluster: stopped');
  expect(s.stderr).toBe('');
});

test('echo-cluster gives up (status 1) when its workers cannot start: the port is taken', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    // Bind every interface of a port already bound on 127.0.0.1: every worker fails with EADDRINUSE.
    const child = spawn(process.execPath, [example('echo-cluster'), String(port), '--workers=2'], { env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', () => {});
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stdout).toMatch(/cluster: workers keep dying before they listen \(last: exit code 1\); giving up/);
    expect(stdout.trim().split('\n').pop()).toBe('cluster: stopped');
  } finally {
    blocker.close();
  }
});
