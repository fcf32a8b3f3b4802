/**
 * main() with real SIGINT/SIGTERM sent to this (jest's) process, with `exit: false` so
 * that it resolves with the exit status instead of ending the process. (The examples'
 * end-to-end tests run it for real, process.exit included.)
 */
import { Event, sleep, spawn, TaskCancelled, type Activation } from '@curio/kernel';
import { main } from '@curio/signals';

const SHUTDOWN = ['SIGINT', 'SIGTERM'] as const;
let before: number[];
let errors: jest.SpyInstance;
let stderr: jest.SpyInstance;

beforeEach(() => {
  before = SHUTDOWN.map((s) => process.listenerCount(s));
  errors = jest.spyOn(console, 'error').mockImplementation(() => {});
  stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  errors.mockRestore();
  stderr.mockRestore();
  // main() leaves no listener behind, and none were left during the test either.
  expect(SHUTDOWN.map((s) => process.listenerCount(s))).toEqual(before);
  expect(before).toEqual([0, 0]);
});

const send = (signal: NodeJS.Signals) => process.kill(process.pid, signal);

test('a main task that returns: status 0, and main owns SIGINT/SIGTERM only while it runs', async () => {
  let during: number[] = [];
  const status = await main(
    function* (a: number, b: number) {
      during = SHUTDOWN.map((s) => process.listenerCount(s));
      yield* sleep(1);
      return a + b;
    },
    { exit: false, args: [1, 2] },
  );
  expect(status).toBe(0);
  expect(during).toEqual([1, 1]);
  expect(errors).not.toHaveBeenCalled();
});

test.each([
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const)('%s cancels the main task: its finally blocks and using disposals run, then status %i', async (signal, expected) => {
  const log: string[] = [];
  const shutdowns: string[] = [];
  const status = await main(
    function* () {
      using _resource = { [Symbol.dispose]: () => void log.push('disposed') };
      try {
        send(signal);
        yield* sleep(3_600_000);
        log.push('slept');
      } catch (e) {
        log.push(`caught ${(e as Error).name}`);
        throw e;
      } finally {
        log.push('finally');
      }
    },
    { exit: false, onShutdown: (s) => shutdowns.push(s) },
  );
  expect(status).toBe(expected);
  expect(log).toEqual(['caught TaskCancelled', 'finally', 'disposed']);
  expect(shutdowns).toEqual([signal]);
  // The cancellation a signal causes is the normal way out: nothing is printed.
  expect(errors).not.toHaveBeenCalled();
  expect(stderr).not.toHaveBeenCalled();
});

test('cleanup may still block after the signal (a graceful drain), and the other tasks are cancelled at the end', async () => {
  const log: string[] = [];
  const status = await main(function* () {
    yield* spawn.with({ daemon: true })(function* background() {
      try {
        yield* sleep(3_600_000);
      } finally {
        log.push('daemon cancelled');
      }
    });
    const rest = new Event();
    const client = yield* spawn(function* inFlight() {
      // The rest of the request arrives after the shutdown began.
      yield* rest.wait();
      yield* sleep(1);
      log.push('client finished');
    });
    try {
      send('SIGTERM');
      yield* sleep(3_600_000);
    } catch (e) {
      if (!(e instanceof TaskCancelled)) throw e;
      log.push('stop accepting');
      rest.set();
      yield* client.join();
      return 'drained';
    }
  }, { exit: false });
  // Returning after a signal still exits with the signal's status.
  expect(status).toBe(143);
  expect(log).toEqual(['stop accepting', 'client finished', 'daemon cancelled']);
});

test('an uncaught failure is printed with its stack and the status is 1', async () => {
  const status = await main(
    function* failing() {
      yield* sleep(1);
      throw new RangeError('the disk is full');
    },
    { exit: false },
  );
  expect(status).toBe(1);
  expect(errors).toHaveBeenCalledTimes(1);
  const printed = errors.mock.calls[0][0] as Error;
  expect(printed).toBeInstanceOf(RangeError);
  expect(printed.stack).toContain('the disk is full');
  expect(printed.stack).toContain('main.test.ts');
});

test('a failure in the cleanup after a signal is a failure: printed, status 1', async () => {
  const status = await main(function* () {
    try {
      send('SIGINT');
      yield* sleep(3_600_000);
    } finally {
      // eslint-disable-next-line no-unsafe-finally
      throw new Error('cleanup failed');
    }
  }, { exit: false });
  expect(status).toBe(1);
  expect((errors.mock.calls[0][0] as Error).message).toBe('cleanup failed');
});

test('a second SIGINT during the cleanup exits at once, without waiting for it', async () => {
  const release = new Event();
  let cleanupDone: () => void = () => {};
  const cleanupOver = new Promise<void>((resolve) => (cleanupDone = resolve));
  const status = await main(function* () {
    try {
      send('SIGINT');
      yield* sleep(3_600_000);
    } finally {
      // A cleanup that hangs: the user presses Ctrl-C again.
      send('SIGINT');
      yield* release.wait();
      cleanupDone();
    }
  }, { exit: false });
  expect(status).toBe(130);
  expect(stderr).toHaveBeenCalledWith('main(): SIGINT during shutdown, exiting without waiting for cleanup\n');
  // (With exit: true the process would be gone now.) Let the abandoned kernel finish.
  release.set();
  await cleanupOver;
});

test('a SIGTERM during the cleanup after a SIGINT forces the exit too, with 143', async () => {
  const release = new Event();
  let cleanupDone: () => void = () => {};
  const cleanupOver = new Promise<void>((resolve) => (cleanupDone = resolve));
  const status = await main(function* () {
    try {
      send('SIGINT');
      yield* sleep(3_600_000);
    } finally {
      send('SIGTERM');
      yield* release.wait();
      cleanupDone();
    }
  }, { exit: false });
  expect(status).toBe(143);
  release.set();
  await cleanupOver;
});

test('kernel options pass through: activations see the main task and the kernel', async () => {
  const seen: string[] = [];
  const activation: Activation = {
    activate: () => void seen.push('activate'),
    created: (task) => void seen.push(`created ${task.name}`),
    shutdown: () => void seen.push('shutdown'),
  };
  const status = await main(function* program() {}, { exit: false, activations: [activation] });
  expect(status).toBe(0);
  expect(seen).toEqual(['activate', 'created program', 'shutdown']);
});

test('bad options are a TypeError at the call; a main that is not a generator is a failure, status 1', async () => {
  expect(() => main(function* () {}, { exit: 'no' as unknown as boolean })).toThrow('main(): option exit must be true or false, got "no" (a string)');
  expect(() => main(function* () {}, { onShutdown: 1 as unknown as () => void })).toThrow('main(): option onShutdown must be a function, got 1');
  const status = await main((async () => {}) as unknown as () => Generator<never>, { exit: false });
  expect(status).toBe(1);
  expect(String(errors.mock.calls[0][0])).toContain('a task must be a generator function');
});

test('an onShutdown that throws is printed, and the shutdown goes on', async () => {
  const status = await main(function* () {
    send('SIGTERM');
    yield* sleep(3_600_000);
  }, {
    exit: false,
    onShutdown: () => {
      throw new Error('the logger is gone');
    },
  });
  expect(status).toBe(143);
  expect((errors.mock.calls[0][0] as Error).message).toBe('the logger is gone');
});
