import * as curio from 'curio';
import { connect } from 'node:net';
import * as kernel from '@curio/kernel';
import * as signals from '@curio/signals';
import * as subprocess from '@curio/subprocess';
import * as workers from '@curio/workers';
import * as diagnostics from '@curio/diagnostics';
import * as monitorPackage from '@curio/monitor';
// The monitor's address comes in before it listens (run's option, CURIO_MONITOR): no port 0.
import { freePort } from '../../../tools/scripts/free-port.cjs';

/** Connects to a monitor console, sends `ps`, and returns everything it said until it closed. */
function askPs(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
      text += chunk;
      const prompts = text.split('curio > ').length - 1;
      if (prompts === 1 && !text.includes('ps sent')) {
        text += '(ps sent)';
        socket.write('ps\nquit\n');
      }
    });
    socket.on('close', () => resolve(text));
  });
}

/**
 * A main task that lists itself through the monitor on `port`, trying `attempts` times
 * (the console's thread may not listen yet when main starts).
 */
function* listsItself(port: number, attempts = 500) {
  yield* curio.spawn.with({ name: 'visible-worker' })(function* () { yield* curio.sleep(60_000); });
  for (let attempt = 1; ; attempt++) {
    try {
      return yield* curio.awaitPromise(askPs(port));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || attempt >= attempts) throw error;
      yield* curio.sleep(20);
    }
  }
}

describe('curio umbrella', () => {
  it('re-exports every export of @curio/kernel as the same object, except run (which adds the monitor)', () => {
    for (const [name, value] of Object.entries(kernel)) {
      if (name === 'run') continue;
      expect((curio as Record<string, unknown>)[name]).toBe(value);
    }
    expect(curio.run).not.toBe(kernel.run);
  });

  it('re-exports @curio/diagnostics and @curio/monitor', () => {
    for (const module of [diagnostics, monitorPackage]) {
      for (const [name, value] of Object.entries(module)) expect((curio as Record<string, unknown>)[name]).toBe(value);
    }
  });

  it('re-exports every export of @curio/signals as the same object, except main (which adds the monitor)', () => {
    for (const [name, value] of Object.entries(signals)) {
      if (name === 'main') continue;
      expect((curio as Record<string, unknown>)[name]).toBe(value);
    }
    expect(curio.main).not.toBe(signals.main);
  });

  it('re-exports every export of @curio/workers as the same object', () => {
    for (const [name, value] of Object.entries(workers)) {
      expect((curio as Record<string, unknown>)[name]).toBe(value);
    }
  });

  it('leaves protocol packages out: no redis namespace, no Redis client names', () => {
    expect('redis' in curio).toBe(false);
    expect('connect' in curio).toBe(false);
    expect('createPool' in curio).toBe(false);
  });

  it('runs a program written against the umbrella', async () => {
    const result = await curio.run(function* () {
      const t = yield* curio.spawn(function* () {
        yield* curio.sleep(1);
        return 'done';
      });
      return yield* t.join();
    });
    expect(result).toBe('done');
  });

  it('run({ monitor: { port } }) serves the monitor console while main runs', async () => {
    const port = await freePort();
    const text = await curio.run(listsItself, { args: [port], monitor: { port } });
    expect(text).toMatch(/^Curio Monitor: 2 tasks running/);
    expect(text).toMatch(/\n\d+ +TIME_SLEEP +1 +\S* *visible-worker +\d+\n/);
  });

  it('run() starts the monitor when CURIO_MONITOR asks for it, and not when monitor: false', async () => {
    const port = await freePort();
    process.env.CURIO_MONITOR = `127.0.0.1:${port}`;
    try {
      expect(await curio.run(listsItself, { args: [port] })).toMatch(/visible-worker/);
      await expect(curio.run(listsItself, { args: [port, 25], monitor: false })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      delete process.env.CURIO_MONITOR;
    }
  });

  it('main() starts the monitor when CURIO_MONITOR asks for it, and not when monitor: false', async () => {
    const port = await freePort();
    process.env.CURIO_MONITOR = `127.0.0.1:${port}`;
    try {
      let seen = '';
      const status = await curio.main(function* () {
        seen = yield* listsItself(port);
      }, { exit: false });
      expect(status).toBe(0);
      expect(seen).toMatch(/visible-worker/);
      let refused: unknown = null;
      expect(await curio.main(function* () {
        try {
          yield* listsItself(port, 25);
        } catch (error) {
          refused = error;
        }
      }, { exit: false, monitor: false })).toBe(0);
      expect(refused).toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      delete process.env.CURIO_MONITOR;
    }
  });

  it('run() rejects a bad CURIO_MONITOR, naming it', async () => {
    process.env.CURIO_MONITOR = 'everywhere';
    try {
      await expect(curio.run(function* () { return 1; })).rejects.toThrow("CURIO_MONITOR: expected a monitor address: 1, PORT, HOST:PORT, [IPV6]:PORT or unix:PATH (e.g. 127.0.0.1:48802); got 'everywhere'");
    } finally {
      delete process.env.CURIO_MONITOR;
    }
  });
});

describe('curio umbrella: @curio/subprocess', () => {
  it('re-exports the subprocess package: run as runProcess and subprocess.run, the rest by name', () => {
    expect(curio.runProcess).toBe(subprocess.run);
    expect(curio.subprocess.run).toBe(subprocess.run);
    expect(curio.run).not.toBe(subprocess.run); // the umbrella's own run (kernel run plus the monitor)
    for (const [name, value] of Object.entries(subprocess)) {
      expect((curio.subprocess as Record<string, unknown>)[name]).toBe(value);
      if (name !== 'run') expect((curio as Record<string, unknown>)[name]).toBe(value);
    }
  });

  it('runs a command through the umbrella', async () => {
    const out = await curio.run(function* () {
      const done = yield* curio.runProcess(['echo', 'hi'], { capture: true, encoding: 'utf-8' });
      return [done.returncode, done.stdout, yield* curio.subprocess.checkOutput(['printf', 'x'], { encoding: 'utf-8' })];
    });
    expect(out).toEqual([0, 'hi\n', 'x']);
  });
});
