/**
 * ThreadPool / ProcessPool / runInThread / runInProcess against real worker threads and
 * child processes. The functions they run live in test/fixtures/jobs.mjs (workers cannot
 * load TypeScript), which imports the built package: `nx test @curio/workers` builds it
 * first; run `npx tsc -b libs/workers/tsconfig.lib.json` before calling jest by hand.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { run, spawn, sleep, timeoutAfter, TaskTimeout, TaskCancelled, Event, PriorityQueue, type Operation } from '@curio/kernel';
import { socket, AF_INET, SOCK_STREAM } from '@curio/io';
import {
  ThreadPool, ProcessPool, runInThread, runInProcess, defaultThreadPool, defaultProcessPool, configureWorkerPools,
  functionRef, workerFunction, transfer, WorkerError, WorkerCrashed, PoolClosed, UniversalQueue, type FunctionRef,
} from '@curio/workers';

const JOBS = join(__dirname, 'fixtures/jobs.mjs');
const job = <A extends unknown[] = unknown[], R = unknown>(name: string) => functionRef<A, R>(JOBS, name);
const add = job<[number, number], number>('add');

type PoolKind = 'thread' | 'process';
const makePool = (kind: PoolKind, size: number) => (kind === 'thread' ? new ThreadPool({ size }) : new ProcessPool({ size }));

/** Resolves once `predicate()` holds, checking between turns of the event loop. */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 2));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

afterAll(async () => {
  await Promise.all([defaultThreadPool().close(), defaultProcessPool().close()]);
});

describe('function references', () => {
  it('refuses a closure with an error that says how to pass a function', () => {
    const factor = 3;
    const closure = (n: number) => n * factor;
    expect(() => runInThread(closure as never, 1)).toThrow(/the function closure cannot cross to a worker: functions cross by reference.*workerFunction\(import\.meta\.url, fn\).*functionRef\(moduleUrl, exportName\)/);
    expect(() => runInProcess((() => 1) as never)).toThrow(/an anonymous function cannot cross to a worker/);
    expect(() => runInThread('add' as never)).toThrow(/expected a function marked with workerFunction\(\) or a functionRef\(module, name\), got "add" \(a string\)/);
  });

  it('checks functionRef and workerFunction arguments', () => {
    expect(() => functionRef('relative/jobs.mjs', 'add')).toThrow(/the module must be a URL \(import\.meta\.url\) or an absolute path, got "relative\/jobs\.mjs" \(a string\)/);
    expect(() => functionRef(JOBS, '')).toThrow(/the export name must be a non-empty string, got "" \(an empty string\)/);
    expect(() => workerFunction('file:///x.mjs', () => 1)).toThrow(/the function is anonymous/);
    const named = workerFunction('file:///x.mjs', function twice(n: number) { return 2 * n; });
    expect(named(4)).toBe(8);
  });

  it('names a missing export in the worker', async () => {
    const pool = new ThreadPool({ size: 1 });
    await expect(pool.runAsync(job('noSuchExport'), [])).rejects.toThrow(/has no function exported as "noSuchExport" \(its exports: .*add/);
    await pool.close();
  });
});

describe.each<PoolKind>(['thread', 'process'])('%s pool', (kind) => {
  it('returns results, awaiting async functions, with structured clone', async () => {
    const pool = makePool(kind, 2);
    expect(await pool.runAsync(add, [2, 3])).toBe(5);
    const value = { list: [1, 2n], when: new Date(0), map: new Map([['k', new Set([1])]]) };
    const echoed = (await pool.runAsync(job('slowEcho'), [value])) as typeof value;
    // Cloned objects come from Node's realm, not the test's: compare their contents.
    expect(echoed.list).toEqual([1, 2n]);
    expect(echoed.when.getTime()).toBe(0);
    expect(echoed.map.get('k')?.has(1)).toBe(true);
    await pool.close();
  });

  it('brings an exception back with its class name, message, code and remote stack', async () => {
    const pool = makePool(kind, 1);
    const error = await pool.runAsync(job('fail'), ['bad input']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerError);
    const w = error as WorkerError;
    expect(w.className).toBe('ParseFailure');
    expect(w.message).toBe('bad input');
    expect(w.code).toBe('EPARSE');
    expect(w.remoteStack).toMatch(/at fail \(file:.*jobs\.mjs:\d+/);
    expect(w.stack).toContain('ParseFailure');
    const thrown = await pool.runAsync(job('throwString'), []).catch((e: unknown) => e);
    expect(thrown).toMatchObject({ className: 'string', message: 'just a string' });
    // The worker survives its function's exceptions.
    expect(await pool.runAsync(add, [1, 1])).toBe(2);
    expect(pool.stats()).toMatchObject({ started: 1, crashed: 0 });
    await pool.close();
  });

  it('describes a thrown value that is not an Error, instead of "[object Object]"', async () => {
    const pool = makePool(kind, 1);
    const thrown = await pool.runAsync(job('throwObject'), []).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(WorkerError);
    expect(thrown).toMatchObject({ className: 'Object', message: "threw a non-Error Object: { code: 42, reason: 'no such order', at: [ 'orders', 7 ] }" });
    expect((thrown as WorkerError).stack).toContain("reason: 'no such order'");
    await pool.close();
  });

  it('refuses arguments and results that cannot be cloned, and goes on', async () => {
    const pool = makePool(kind, 1);
    await expect(pool.runAsync(add, [() => 1, 2] as never)).rejects.toThrow(/the arguments of add cannot be sent to a worker: .*could not be cloned/);
    await expect(pool.runAsync(job('returnFunction'), [])).rejects.toThrow(/the result of returnFunction cannot be sent back/);
    expect(await pool.runAsync(add, [2, 2])).toBe(4);
    await pool.close();
  });

  it('moves a transferred buffer and returns a transferred result', async () => {
    const pool = makePool(kind, 1);
    const bytes = new Uint8Array(1000).fill(3);
    expect(await pool.runAsync(job('byteSum'), [transfer(bytes)])).toBe(3000);
    // Moved to a thread, the sender's view is detached; to a process it is copied.
    expect(bytes.length).toBe(kind === 'thread' ? 0 : 1000);
    const made = (await pool.runAsync(job('makeBuffer'), [4])) as Uint8Array;
    expect([...made]).toEqual([7, 7, 7, 7]);
    await pool.close();
  });

  it('never runs more jobs at once than its size and queues the rest in order', async () => {
    const pool = makePool(kind, 2);
    const pids = await Promise.all(Array.from({ length: 6 }, () => pool.runAsync(job<[], number>('pid'), [])));
    if (kind === 'process') expect(new Set(pids).size).toBeLessThanOrEqual(2);
    expect(pool.stats()).toMatchObject({ size: 2, queued: 0, busy: 0 });
    expect(pool.stats().started).toBeLessThanOrEqual(2);
    await pool.close();
  });

  it('fails only the job whose worker exits, and replaces the worker', async () => {
    const pool = makePool(kind, 2);
    const others = Array.from({ length: 4 }, (_, i) => pool.runAsync(job('slowEcho'), [i]));
    const error = await pool.runAsync(job('exitWith'), [3]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashed);
    expect(error).toMatchObject({ exitCode: 3, signal: null });
    expect((error as Error).message).toMatch(/exited with code 3 while running exitWith/);
    expect(await Promise.all(others)).toEqual([0, 1, 2, 3]);
    expect(await pool.runAsync(add, [20, 22])).toBe(42);
    expect(pool.stats().crashed).toBe(1);
    await pool.close();
  });

  it('fails the job of a worker that dies of an error outside the function', async () => {
    const pool = makePool(kind, 1);
    const error = await pool.runAsync(job('crashLater'), []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashed);
    expect((error as Error).message).toMatch(/while running crashLater/);
    expect(await pool.runAsync(add, [1, 2])).toBe(3);
    await pool.close();
  });

  it('fails queued jobs with PoolClosed when closed, and refuses new ones', async () => {
    const pool = makePool(kind, 1);
    const running = pool.runAsync(job('spinForever'), []).catch((e: unknown) => e);
    const queued = pool.runAsync(add, [1, 2]).catch((e: unknown) => e);
    await until(() => pool.stats().busy === 1);
    await pool.close();
    expect(await running).toBeInstanceOf(PoolClosed);
    expect(await queued).toMatchObject({ message: expect.stringMatching(/closed before the job started/) });
    await expect(pool.runAsync(add, [1, 2])).rejects.toBeInstanceOf(PoolClosed);
    expect(pool.stats().workers).toBe(0);
  });

  it('drops a waiting job whose signal aborts without touching the workers', async () => {
    const pool = makePool(kind, 1);
    const gate = new AbortController();
    const first = pool.runAsync(job('slowEcho'), ['first']);
    const dropped = pool.runAsync(add, [1, 2], { signal: gate.signal });
    gate.abort(new Error('no longer needed'));
    await expect(dropped).rejects.toThrow('no longer needed');
    expect(await first).toBe('first');
    expect(pool.stats()).toMatchObject({ terminated: 0, started: 1 });
    await pool.close();
  });
});

describe('pool limits', () => {
  it('runs at most size jobs at once on threads; the rest wait in the queue', async () => {
    const pool = new ThreadPool({ size: 2 });
    // cells: [running now, most running at once, gate (0 closed, 1 open)]
    const shared = new SharedArrayBuffer(12);
    const cells = new Int32Array(shared);
    const jobs = Array.from({ length: 5 }, () => pool.runAsync(job<[SharedArrayBuffer], number>('gated'), [shared]));
    await until(() => Atomics.load(cells, 0) === 2);
    expect(pool.stats()).toMatchObject({ size: 2, workers: 2, busy: 2, queued: 3 });
    Atomics.store(cells, 2, 1);
    Atomics.notify(cells, 2);
    const concurrency = await Promise.all(jobs);
    expect(Math.max(...concurrency)).toBe(2);
    expect(Atomics.load(cells, 1)).toBe(2);
    expect(pool.stats()).toMatchObject({ started: 2, queued: 0, busy: 0 });
    await pool.close();
  });
});

describe('cancellation stops the worker', () => {
  it('terminates a thread stuck in a loop when its task is cancelled: it stops counting', async () => {
    const pool = new ThreadPool({ size: 1 });
    const counter = new SharedArrayBuffer(4);
    const cells = new Int32Array(counter);
    let firstThread = -1;
    const outcome = await run(function* () {
      const task = yield* spawn(() => pool.run(job<[SharedArrayBuffer], never>('spin'), counter));
      while (Atomics.load(cells, 0) === 0) yield* sleep(1);
      firstThread = pool.workerIds()[0];
      yield* task.cancel();
      return task.exception;
    });
    expect(outcome).toBeInstanceOf(TaskCancelled);
    // The pool goes on with a new thread.
    expect(await pool.runAsync(add, [1, 1])).toBe(2);
    expect(pool.workerIds()).not.toContain(firstThread);
    await pool.close(); // resolves once every thread, the terminated one included, has exited
    const stopped = Atomics.load(cells, 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(Atomics.load(cells, 0)).toBe(stopped);
    expect(pool.stats()).toMatchObject({ terminated: 1, workers: 0, crashed: 0 });
  });

  it('kills the child process of a job whose timeout expires', async () => {
    const pool = new ProcessPool({ size: 1 });
    let pid = -1;
    const error = await run(function* (): Operation<unknown> {
      yield* spawn(function* () {
        while (pool.stats().busy === 0) yield* sleep(1);
        pid = pool.workerIds()[0];
      });
      try {
        return yield* timeoutAfter(200, pool.run(job<[], never>('spinForever')));
      } catch (e) {
        return e;
      }
    });
    expect(error).toBeInstanceOf(TaskTimeout);
    expect(pool.stats()).toMatchObject({ terminated: 1 });
    await pool.close();
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
  });

  it('kills a busy child process (its pid is gone) when its task is cancelled', async () => {
    const pool = new ProcessPool({ size: 1 });
    let pid = -1;
    await run(function* () {
      const task = yield* spawn(() => pool.run(job<[], never>('spinForever')));
      while (pool.stats().busy === 0) yield* sleep(1);
      pid = pool.workerIds()[0];
      expect(alive(pid)).toBe(true);
      yield* task.cancel();
    });
    await pool.close();
    expect(alive(pid)).toBe(false);
  });
});

describe('arguments that stay in this thread (a Curio Socket, kernel objects)', () => {
  const typeOf = job<[unknown], string>('typeOf');

  it('are a TypeError at the call of runInThread and runInProcess, naming the argument, where in it, and its class; no worker starts', async () => {
    await run(function* () {
      using listener = socket(AF_INET, SOCK_STREAM);
      yield* listener.bind(['127.0.0.1', 0]);
      yield* listener.listen(1);
      const started = defaultThreadPool().stats().started + defaultProcessPool().stats().started;
      expect(() => runInThread(typeOf, listener)).toThrow(
        new TypeError('runInThread(): argument 1 is a Socket, which cannot go to a worker: the worker would get a copy of its fields without its methods, ' +
          'while what it stands for (a connection, a file, tasks, waiters) stays in this thread; pass plain data instead'),
      );
      expect(() => runInProcess(add as never, 1, { peers: [listener] } as never)).toThrow(/^runInProcess\(\): argument 2 at \.peers\[0\] is a Socket, which cannot go to a worker/);
      expect(() => runInThread(typeOf, new Event())).toThrow(/argument 1 is an Event, .*; pass plain data instead, or a UniversalEvent to share one with a thread$/);
      expect(() => runInThread(typeOf, new PriorityQueue())).toThrow(/argument 1 is a PriorityQueue, .*or a UniversalQueue to share one with a thread$/);
      const task = yield* spawn(function* () {});
      expect(() => runInThread(typeOf, [task])).toThrow(/argument 1 at \[0\] is a Task, which cannot go to a worker/);
      // Checked before anything is sent: no worker was started for these calls.
      expect(defaultThreadPool().stats().started + defaultProcessPool().stats().started).toBe(started);
      // Plain data and shared objects still cross.
      expect(yield* runInThread(typeOf, { port: listener.getsocknameInet()[1] })).toBe('[object Object] ["port"]');
      expect(yield* runInThread(typeOf, new UniversalQueue())).toMatch(/^\[object Object\]/);
    });
  });
});

describe('runInThread and runInProcess', () => {
  it('run on the default pools from a task', async () => {
    const [a, b] = await run(function* () {
      return [yield* runInThread(add, 40, 2), yield* runInProcess(add, 1, 2)];
    });
    expect([a, b]).toEqual([42, 3]);
  });

  it('leave the program free to exit: idle workers do not keep it alive', () => {
    const r = spawnSync(process.execPath, [join(__dirname, 'fixtures/exits.mjs')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('[3,7]');
    expect(r.status).toBe(0);
  });

  it('run in a thread for a program given as ESM on the command line (node --input-type=module -e)', () => {
    // The thread's runner is eval'd source; the worker inherits the program's execArgv.
    const program = `import { run } from '@curio/kernel'; import { runInThread } from '@curio/workers'; import { add } from ${JSON.stringify(pathToFileURL(join(__dirname, 'fixtures/jobs.mjs')).href)};
process.stdout.write(String(await run(() => runInThread(add, 40, 2))));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', program], { cwd: join(__dirname, '..'), encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('42');
    expect(r.status).toBe(0);
  });

  it('take their sizes from configureWorkerPools', async () => {
    await configureWorkerPools({ threads: 3, processes: 1 });
    expect(defaultThreadPool().size).toBe(3);
    expect(defaultProcessPool().size).toBe(1);
    await expect(configureWorkerPools({ threads: 0 })).rejects.toThrow(/threads must be an integer >= 1, got 0/);
    expect(() => new ThreadPool({ size: 1.5 })).toThrow(/size must be an integer >= 1 \(the most workers at once\), got 1.5/);
  });

  it('refuse to send shared memory to a child process', async () => {
    const q = new UniversalQueue();
    const ref: FunctionRef = job('slowEcho');
    await expect(run(() => runInProcess(ref, q))).rejects.toThrow(/a UniversalQueue cannot go to a child process: it lives in this process's shared memory; use runInThread/);
  });
});
