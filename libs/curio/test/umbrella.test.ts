import * as curio from 'curio';
import { connect, createServer, type AddressInfo } from 'node:net';
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
 * A main task that lists itself through the monitor on `port`, connecting in its first
 * step: run() and main() start it only once the console listens.
 */
function* listsItself(port: number) {
  yield* curio.spawn.with({ name: 'visible-worker' })(function* () { yield* curio.sleep(60_000); });
  return yield* curio.awaitPromise(askPs(port));
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

  it('run({ monitor: monitor({ port: 0 }) }) serves that monitor, and starts the main task only once it listens', async () => {
    const mon = curio.monitor({ port: 0 });
    let listened = false;
    void mon.listening.then(() => (listened = true));
    const [listenedFirst, text] = await curio.run(function* () {
      const first = listened;
      const { port } = yield* curio.awaitPromise(mon.listening);
      return [first, yield* listsItself(port)] as const;
    }, { monitor: mon });
    expect(listenedFirst).toBe(true);
    expect(text).toMatch(/visible-worker/);
  });

  it('main({ monitor }) also starts the main task only once the console listens', async () => {
    const mon = curio.monitor({ port: 0 });
    let listened = false;
    void mon.listening.then(() => (listened = true));
    let listenedFirst: boolean | null = null;
    expect(await curio.main(function* () { listenedFirst = listened; }, { exit: false, monitor: mon })).toBe(0);
    expect(listenedFirst).toBe(true);
  });

  it('a console that cannot listen says so on stderr, and the program runs without it', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    const said: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => said.push(String(chunk)) > 0);
    try {
      expect(await curio.run(function* () { return 'ran'; }, { monitor: { port } })).toBe('ran');
    } finally {
      write.mockRestore();
      taken.close();
    }
    expect(said.join('')).toContain(`curio monitor: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE`);
  });

  it('run() starts the monitor when CURIO_MONITOR asks for it, and not when monitor: false', async () => {
    const port = await freePort();
    process.env.CURIO_MONITOR = `127.0.0.1:${port}`;
    try {
      expect(await curio.run(listsItself, { args: [port] })).toMatch(/visible-worker/);
      await expect(curio.run(listsItself, { args: [port], monitor: false })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
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
          yield* listsItself(port);
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
