import { createServer } from 'node:net';
import { Worker } from 'node:worker_threads';
import { Kernel, spawn, sleep, timeoutAfter, currentTask, type Operation, type Task } from '@curio/kernel';
import { monitor, type MonitorActivation } from '../src/index.js';
import { ConsoleClient, parseTable } from './console-client.js';

/** A kernel with a monitor on an ephemeral port, running `main` until the test shuts it down. */
async function startMonitored(main: () => Operation<unknown>): Promise<{ kernel: Kernel; port: number; mon: MonitorActivation; done: Promise<unknown> }> {
  const mon = monitor({ port: 0 });
  const kernel = new Kernel({ activations: [mon], traceStacks: true });
  const done = kernel.run(main).catch((error: unknown) => error);
  const { port } = await mon.listening;
  return { kernel, port, mon, done };
}

describe('monitor console over a real socket', () => {
  let kernel: Kernel;
  let port: number;
  let done: Promise<unknown>;
  const tasks: Record<string, Task> = {};
  const cleanedUp: string[] = [];
  let mainId = 0;

  beforeAll(async () => {
    ({ kernel, port, done } = await startMonitored(function* main() {
      mainId = (yield* currentTask()).id;
      tasks.sleeper = yield* spawn.with({ name: 'sleeper' })(function* () {
        yield* timeoutAfter(600_000, sleep(300_000));
      });
      tasks.parent = yield* spawn.with({ name: 'parent' })(function* () {
        tasks.child = yield* spawn.with({ name: 'child' })(function* () {
          try {
            yield* sleep(300_000);
          } finally {
            cleanedUp.push('child');
          }
        });
        yield* tasks.child.wait();
      });
      tasks.background = yield* spawn.with({ name: 'background', daemon: true })(function* () { yield* sleep(300_000); });
      yield* sleep(300_000);
    }));
  });

  afterAll(async () => {
    await kernel.shutdown();
    await done;
  });

  it('listens on 127.0.0.1 by default, greets with the task count', async () => {
    const mon = monitor({ port: 0 });
    const k = new Kernel({ activations: [mon] });
    const finished = k.run(function* () { yield* sleep(300_000); }).catch(() => null);
    expect((await mon.listening).host).toBe('127.0.0.1');
    const { client, greeting } = await ConsoleClient.open((await mon.listening).port);
    expect(greeting).toBe('Curio Monitor: 1 tasks running\nType help for commands');
    client.close();
    await k.shutdown();
    await finished;
  });

  it('ps: a row per task with state, cycles, timeout, sleep, name and parent', async () => {
    const { client } = await ConsoleClient.open(port);
    const text = await client.command('ps');
    expect(text.split('\n')[0]).toBe('Task   State        Cycles     Timeout  Sleep    Name                           Parent');
    const rows = parseTable(text);
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(Object.keys(byName).sort()).toEqual(['background (daemon)', 'child', 'main', 'parent', 'sleeper']);
    expect(byName.sleeper).toMatchObject({ id: tasks.sleeper.id, state: 'TIME_SLEEP', cycles: 1, parent: String(mainId) });
    expect(byName.sleeper.timeout).toMatch(/^\d+\.\ds$/);
    expect(byName.sleeper.sleep).toMatch(/^\d+\.\ds$/);
    expect(Number(byName.sleeper.sleep.slice(0, -1))).toBeLessThanOrEqual(300);
    expect(byName.parent).toMatchObject({ state: 'TASK_JOIN', timeout: '', sleep: '', parent: String(mainId) });
    expect(byName.main).toMatchObject({ id: mainId, parent: '' });
    client.close();
  });

  it('where ID: the stack of the task at its blocking point; unknown ids said so', async () => {
    const { client } = await ConsoleClient.open(port);
    const text = await client.command(`where ${tasks.child.id}`);
    expect(text.split('\n')[0]).toBe(`Stack for Task(id=${tasks.child.id}, name='child', state='TIME_SLEEP') (most recent call first):`);
    expect(text).toMatch(/monitor\.test\.ts:\d+:\d+\)/);
    expect(await client.command('where 999999')).toBe('No task 999999');
    client.close();
  });

  it('parents ID: the task and its ancestors up to main', async () => {
    const { client } = await ConsoleClient.open(port);
    const rows = parseTable(await client.command(`parents ${tasks.child.id}`));
    expect(rows.map((r) => [r.id, r.name])).toEqual([[tasks.child.id, 'child'], [tasks.parent.id, 'parent'], [mainId, 'main']]);
    expect(await client.command('parents 999999')).toBe('No task 999999');
    client.close();
  });

  it('cancel ID: cancels the task, its cleanup runs, it is gone from ps', async () => {
    const { client } = await ConsoleClient.open(port);
    expect(await client.command(`cancel ${tasks.child.id}`)).toBe(`Cancelled task ${tasks.child.id} (child)`);
    expect(cleanedUp).toEqual(['child']);
    expect(tasks.child.terminated).toBe(true);
    const names = parseTable(await client.command('ps')).map((r) => r.name);
    expect(names).not.toContain('child');
    expect(names).not.toContain('parent'); // it was waiting for the child and has returned
    expect(await client.command('cancel 999999')).toBe('No task 999999');
    client.close();
  });

  it('signal NAME: sends a signal to the process, and checks the name', async () => {
    // Jest's sandboxed process object cannot listen for real signals: send a harmless one
    // here; the end-to-end test sends SIGUSR2 to an echo server and reads its stats line.
    const { client } = await ConsoleClient.open(port);
    expect(await client.command('signal cont')).toBe('Sent SIGCONT');
    expect(await client.command('signal NOPE')).toBe("Usage: signal NAME (a signal such as SIGTERM or USR2; got 'NOPE')");
    expect(await client.command('signal')).toBe("Usage: signal NAME (a signal such as SIGTERM or USR2; got '')");
    client.close();
  });

  it('help, bad commands get a usage line, quit closes the console', async () => {
    const { client } = await ConsoleClient.open(port);
    expect(await client.command('help')).toMatch(/^Commands:\n {2}ps {12}: a table of the tasks/);
    expect(await client.command('frobnicate 3')).toBe("Unknown command 'frobnicate'. Usage: ps | where ID | cancel ID | parents ID | signal NAME | help | quit");
    expect(await client.command('where')).toBe("Usage: where ID (a task id from ps; got '')");
    expect(await client.command('cancel abc')).toBe("Usage: cancel ID (a task id from ps; got 'abc')");
    expect(await client.command('ps now')).toBe("Usage: ps (no arguments; got 'now')");
    expect(await client.command('')).toBe('');
    expect(await client.command('x'.repeat(5000))).toMatch(/^Line too long \(over 4096 characters\)/);
    client.socket.write('quit\n');
    expect(await client.closed).toBe('Bye\n');
  });

  it('an over-long line gets one answer: the rest of it, up to its newline, is dropped, not run', async () => {
    const { client } = await ConsoleClient.open(port);
    // 10 MB arrive in many chunks; each chunk is still part of the one line.
    expect(await client.command('x'.repeat(10_000_000))).toBe('Line too long (over 4096 characters). Usage: ps | where ID | cancel ID | parents ID | signal NAME | help | quit');
    expect(await client.command('help')).toMatch(/^Commands:/);
    // A tail that reads as a command is not run either.
    expect(await client.command(`${'x'.repeat(200_000)} quit`)).toMatch(/^Line too long/);
    expect(await client.command('ps ')).toMatch(/^Task {3}State/);
    client.close();
  });

  it('survives clients that vanish mid-command or send garbage; the program keeps running', async () => {
    for (let i = 0; i < 5; i++) {
      const { client } = await ConsoleClient.open(port);
      client.socket.write('ps\nwhere 1\n\u0000\u00ff garbage\n');
      client.close();
    }
    const { client } = await ConsoleClient.open(port);
    expect(parseTable(await client.command('ps')).map((r) => r.name)).toContain('sleeper');
    expect(tasks.sleeper.terminated).toBe(false);
    client.close();
  });

  it('does not listen once the kernel has shut down', async () => {
    const mon = monitor({ port: 0 });
    const k = new Kernel({ activations: [mon] });
    await k.run(function* () { yield* sleep(1); });
    const { port: closedPort } = await mon.listening;
    await k.shutdown();
    await mon.close();
    await expect(ConsoleClient.open(closedPort)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('monitor closed before its console starts', () => {
  it('settles listening with an error naming it and starts no worker', async () => {
    const mon = monitor({ port: 0 });
    mon.activate!(new Kernel());
    const closed = mon.close();
    await expect(mon.listening).rejects.toThrow(/^monitor\(\): closed before it listened on 127\.0\.0\.1:0$/);
    await closed;
  });
});

describe('monitor while a task hogs the CPU', () => {
  it('answers ps from its worker thread, naming the task that hogs it and for how long', async () => {
    // flags[0]: the hog is spinning; flags[1]: the client has its answer, the hog may stop;
    // flags[2]: the client is connected (the hog must not start before: this thread, which
    // starts the client, is the one it holds up).
    const flags = new Int32Array(new SharedArrayBuffer(12));
    const { kernel, port, done } = await startMonitored(function* main() {
      const hog = yield* spawn.with({ name: 'cruncher' })(function* () {
        while (Atomics.load(flags, 2) === 0) yield* sleep(5);
        Atomics.store(flags, 0, 1);
        Atomics.notify(flags, 0);
        while (Atomics.load(flags, 1) === 0) { /* holding the CPU: no yield */ }
      });
      yield* hog.join();
    });
    // The client runs in a thread of its own: this one is about to be held up by the hog.
    const client = new Worker(`
      const { workerData, parentPort } = require('node:worker_threads');
      const { connect } = require('node:net');
      const flags = workerData.flags;
      const socket = connect(workerData.port, '127.0.0.1');
      let text = '';
      let sent = false;
      socket.setEncoding('utf8');
      socket.on('data', (chunk) => {
        text += chunk;
        const prompts = text.split('curio > ').length - 1;
        if (prompts === 1 && !sent) {
          sent = true;
          Atomics.store(flags, 2, 1);
          Atomics.wait(flags, 0, 0);
          socket.write('ps\\n');
        } else if (prompts === 2) {
          parentPort.postMessage(text);
          Atomics.store(flags, 1, 1);
          socket.end();
        }
      });
    `, { eval: true, workerData: { port, flags } });
    const answer = await new Promise<string>((resolve, reject) => client.once('message', resolve).once('error', reject));
    await done;
    await kernel.shutdown();
    await client.terminate();
    const psAnswer = answer.split('curio > ')[1];
    const [notice, ...table] = psAnswer.split('\n');
    expect(notice).toMatch(/^The kernel is busy: task \d+ \(cruncher\) has been running for \d+(ms|\.\ds) without blocking\. \(table as of .* ago\)$/);
    const rows = parseTable(table.join('\n'));
    expect(rows.map((r) => r.name)).toEqual(['main', 'cruncher']);
  });
});

describe('monitor() options', () => {
  it('rejects a bad host or port, naming it', () => {
    expect(() => monitor({ port: 70000 })).toThrow('monitor(): port must be an integer from 0 to 65535; got 70000');
    expect(() => monitor({ host: '' })).toThrow(`monitor(): host must be a non-empty string such as '127.0.0.1'; got "" (an empty string)`);
  });

  it('reports a port already in use through listening, and the program goes on', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const takenPort = (taken.address() as { port: number }).port;
    const mon = monitor({ port: takenPort });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const result = await new Kernel({ activations: [mon] }).run(function* () {
        yield* sleep(1);
        return 'ran';
      });
      await expect(mon.listening).rejects.toThrow(`monitor(): cannot listen on 127.0.0.1:${takenPort}`);
      expect(result).toBe('ran');
      expect(stderr).toHaveBeenCalledWith(expect.stringContaining(`curio monitor: cannot listen on 127.0.0.1:${takenPort}`));
    } finally {
      stderr.mockRestore();
      taken.close();
    }
  });
});
