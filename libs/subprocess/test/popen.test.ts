import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run, spawn, sleep, timeoutAfter, TaskTimeout, type Operation } from '@curio/kernel';
import { aopen, IOError, Stream } from '@curio/io';
import { Popen, ProcessPipe, run as runCommand } from '../src/index.js';
import { childPids, eventually, openFds } from './helpers.js';

let tmp: string;
let baselineFds: number;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-subprocess-'));
  // The first spawn opens libuv's SIGCHLD pipe for good: count descriptors after it.
  await run(function* () {
    const p = yield* Popen.start(['true']);
    yield* p.wait();
  });
  baselineFds = openFds();
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** After each test: no child left (not even a zombie), no descriptor left open. */
function* nothingLeft(): Operation<void> {
  yield* eventually('all children reaped', () => childPids().length === 0);
  yield* eventually(`descriptors back to ${baselineFds}`, () => openFds() === baselineFds);
}

function check<T>(body: () => Operation<T>): Promise<T> {
  return run(function* () {
    const result = yield* body();
    yield* nothingLeft();
    return result;
  });
}

describe('Popen.start', () => {
  it('runs a program with its stdout as a pipe, and wait() gives its exit status', async () => {
    const out = await check(function* () {
      using p = yield* Popen.start(['sh', '-c', 'echo one; echo two; exit 3'], { stdout: 'pipe' });
      expect(p.pid).toBeGreaterThan(0);
      expect(p.stdin).toBeNull();
      expect(p.stdout).toBeInstanceOf(ProcessPipe);
      expect(p.stdout).toBeInstanceOf(Stream);
      const lines: string[] = [];
      yield* p.stdout!.forEachLine((line) => {
        lines.push(line.toString());
      });
      const status = yield* p.wait();
      return { lines, status, returncode: p.returncode, poll: p.poll() };
    });
    expect(out).toEqual({ lines: ['one\n', 'two\n'], status: 3, returncode: 3, poll: 3 });
  });

  it('a program that does not exist is an IOError naming it (ENOENT), with nothing left behind', async () => {
    const error = await check(function* () {
      try {
        yield* Popen.start(['curio-no-such-program'], { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' });
      } catch (e) {
        return e;
      }
      throw new Error('no error');
    });
    expect(error).toBeInstanceOf(IOError);
    expect((error as IOError).code).toBe('ENOENT');
    expect((error as IOError).message).toContain("'curio-no-such-program'");
  });

  it('a file that is not executable is an IOError (EACCES) naming it', async () => {
    const script = path.join(tmp, 'not-executable.sh');
    fs.writeFileSync(script, '#!/bin/sh\necho hi\n', { mode: 0o644 });
    const error = await check(function* () {
      try {
        yield* Popen.start([script]);
      } catch (e) {
        return e;
      }
      throw new Error('no error');
    });
    expect((error as IOError).code).toBe('EACCES');
    expect((error as IOError).message).toContain(script);
  });

  it('a working directory that does not exist is named in the error', async () => {
    const error = await check(function* () {
      try {
        yield* Popen.start(['true'], { cwd: path.join(tmp, 'missing') });
      } catch (e) {
        return e;
      }
      throw new Error('no error');
    });
    expect((error as IOError).code).toBe('ENOENT');
    expect((error as IOError).message).toContain(`working directory '${path.join(tmp, 'missing')}'`);
  });

  it('bad arguments are clear errors naming the value', async () => {
    const errors = await check(function* () {
      const messages: string[] = [];
      const attempts: Array<() => Operation<unknown>> = [
        () => Popen.start([]),
        () => Popen.start(['ls'], { stdout: 'pipes' as 'pipe' }),
        () => Popen.start(['ls'], { stdin: -1 }),
        () => Popen.start(['ls', '-l'], { shell: true }),
        () => Popen.start(['ls'], { gracePeriod: -5 }),
      ];
      for (const attempt of attempts) {
        try {
          yield* attempt();
          messages.push('no error');
        } catch (e) {
          messages.push((e as Error).message);
        }
      }
      return messages;
    });
    expect(errors[0]).toMatch(/args must be a non-empty array of strings.*\[\]/);
    expect(errors[1]).toContain('stdout must be');
    expect(errors[1]).toContain('"pipes"');
    expect(errors[2]).toContain('stdin must be a file descriptor');
    expect(errors[3]).toContain('with shell, give the command line as one string');
    expect(errors[4]).toContain('gracePeriod must be a non-negative number');
  });

  it('an env that is not an object of strings is a TypeError naming env and the key', async () => {
    const errors = await check(function* () {
      const messages: string[] = [];
      const envs: unknown[] = ['FOO=1', ['FOO=1'], null, 42, { ...process.env, PORT: 8080 }, { HOME: null }, { NESTED: { a: 1 } }, { 'A=B': 'c' }];
      for (const env of envs) {
        try {
          using p = yield* Popen.start(['true'], { env: env as NodeJS.ProcessEnv });
          yield* p.wait();
          messages.push('no error');
        } catch (e) {
          messages.push(`${(e as Error).name}: ${(e as Error).message}`);
        }
      }
      // undefined leaves a variable out, as in Node.
      const out = yield* runCommand(['sh', '-c', 'echo "${GONE-unset} $KEPT"'], { capture: true, encoding: 'utf-8', env: { PATH: process.env.PATH, GONE: undefined, KEPT: 'yes' } });
      messages.push(out.stdout);
      return messages;
    });
    expect(errors).toEqual([
      'TypeError: Popen.start(): env must be an object of variable names to strings (like process.env), got "FOO=1" (a string)',
      'TypeError: Popen.start(): env must be an object of variable names to strings (like process.env), got ["FOO=1"]',
      'TypeError: Popen.start(): env must be an object of variable names to strings (like process.env), got null',
      'TypeError: Popen.start(): env must be an object of variable names to strings (like process.env), got 42',
      'TypeError: Popen.start(): env.PORT must be a string, got 8080',
      'TypeError: Popen.start(): env.HOME must be a string, got null',
      'TypeError: Popen.start(): env.NESTED must be a string, got an object',
      `TypeError: Popen.start(): env has the name "A=B": a variable name must be non-empty and without '='`,
      'unset yes\n',
    ]);
  });

  it('a working directory that is a file, a huge argument list and a closed descriptor are IOErrors naming the program and the directory', async () => {
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, '');
    // A descriptor number well above every open one (a closed one could be reused at once).
    const closedFd = Math.max(...fs.readdirSync('/proc/self/fd').map(Number)) + 100;
    const errors = await check(function* () {
      const out: IOError[] = [];
      const attempts: Array<() => Operation<Popen>> = [
        () => Popen.start(['true'], { cwd: file }),
        () => Popen.start(['echo', ...Array.from({ length: 64 }, () => 'x'.repeat(64 * 1024))], { stdout: 'pipe' }),
        () => Popen.start(['true'], { stdin: closedFd, stdout: 'pipe', stderr: 'pipe' }),
      ];
      for (const attempt of attempts) {
        try {
          using p = yield* attempt();
          yield* p.wait();
        } catch (e) {
          out.push(e as IOError);
        }
      }
      return out;
    });
    expect(errors.map((e) => [e.constructor.name, e.code, e.syscall])).toEqual([
      ['IOError', 'ENOTDIR', 'spawn'],
      ['IOError', 'E2BIG', 'spawn'],
      ['IOError', 'EBADF', 'spawn'],
    ]);
    expect(errors[0].message).toBe(`Popen.start(): cannot run 'true': the working directory '${file}' is not a directory (ENOTDIR)`);
    expect(errors[1].message).toBe(`Popen.start(): cannot run 'echo': the argument list and environment are too long (working directory '${process.cwd()}') (E2BIG)`);
    expect(errors[2].message).toBe(`Popen.start(): cannot run 'true': a file descriptor given as stdin, stdout or stderr is not open (working directory '${process.cwd()}') (EBADF)`);
  });

  it('an unknown signal name is a clear error', async () => {
    const message = await check(function* () {
      using p = yield* Popen.start(['sleep', '30']);
      let text = '';
      try {
        p.sendSignal('SIGNOPE' as NodeJS.Signals);
      } catch (e) {
        text = (e as Error).message;
      }
      p.kill();
      yield* p.wait();
      return text;
    });
    expect(message).toContain("unknown signal 'SIGNOPE'");
  });
});

describe('exit status', () => {
  it('is -N for a child killed by signal N', async () => {
    const codes = await check(function* () {
      const a = yield* Popen.start(['sleep', '30']);
      const b = yield* Popen.start(['sleep', '30']);
      const c = yield* Popen.start(['sleep', '30']);
      a.terminate();
      b.kill();
      c.sendSignal('SIGINT');
      return [yield* a.wait(), yield* b.wait(), yield* c.wait()];
    });
    expect(codes).toEqual([-15, -9, -2]);
  });

  it('signals after the exit are ignored', async () => {
    const status = await check(function* () {
      const p = yield* Popen.start(['true']);
      yield* p.wait();
      p.terminate();
      p.kill();
      return p.returncode;
    });
    expect(status).toBe(0);
  });
});

describe('pipes', () => {
  it('stdin and stdout pipes: write, close for end-of-file, read back', async () => {
    const out = await check(function* () {
      using p = yield* Popen.start(['cat'], { stdin: 'pipe', stdout: 'pipe' });
      yield* p.stdin!.writelines(['alpha\n', Buffer.from('beta\n')]);
      p.stdin!.close();
      const first = yield* p.stdout!.readline();
      const rest = yield* p.stdout!.readAll();
      return [first.toString(), rest.toString(), yield* p.wait()];
    });
    expect(out).toEqual(['alpha\n', 'beta\n', 0]);
  });

  it("joins two children with another Popen's pipe: the data does not pass through this process", async () => {
    const out = await check(function* () {
      using p1 = yield* Popen.start(['seq', '1', '100000'], { stdout: 'pipe' });
      using p2 = yield* Popen.start(['wc', '-l'], { stdin: p1.stdout, stdout: 'pipe' });
      // This process's end of the first pipe is closed at once: only the children hold it.
      const handedOver = p1.stdout!.isClosed;
      const count = (yield* p2.stdout!.readAll()).toString().trim();
      return [handedOver, count, yield* p1.wait(), yield* p2.wait()];
    });
    expect(out).toEqual([true, '100000', 0, 0]);
  });

  it("another child's stdin pipe as stdout: the first child writes straight into the second", async () => {
    const out = await check(function* () {
      using consumer = yield* Popen.start(['tr', 'a-z', 'A-Z'], { stdin: 'pipe', stdout: 'pipe' });
      using producer = yield* Popen.start(['echo', 'shout'], { stdout: consumer.stdin });
      const handedOver = consumer.stdin!.isClosed;
      const text = (yield* consumer.stdout!.readAll()).toString();
      return [handedOver, text, yield* producer.wait(), yield* consumer.wait()];
    });
    expect(out).toEqual([true, 'SHOUT\n', 0, 0]);
  });

  it('a pipe already read into this process cannot be handed over (its data would be lost)', async () => {
    const message = await check(function* () {
      using p1 = yield* Popen.start(['sh', '-c', 'echo a; echo b'], { stdout: 'pipe' });
      yield* p1.stdout!.readExactly(1); // 'a\n' arrives in one piece: '\n' stays buffered here
      try {
        yield* Popen.start(['cat'], { stdin: p1.stdout });
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      } finally {
        yield* p1.wait();
      }
    });
    expect(message).toMatch(/already been read into this process/);
  });

  it('output of a child that exited before anyone read it is not lost', async () => {
    const out = await check(function* () {
      using p = yield* Popen.start(['sh', '-c', 'echo out; echo err >&2'], { stdout: 'pipe', stderr: 'pipe' });
      yield* p.wait();
      // Node drains unread output pipes on the tick after the exit: let that pass first.
      yield* sleep(20);
      return [(yield* p.stdout!.readAll()).toString(), (yield* p.stderr!.readAll()).toString()];
    });
    expect(out).toEqual(['out\n', 'err\n']);
  });

  it("a stdout pipe cannot be a child's stdout", async () => {
    const message = await check(function* () {
      using p1 = yield* Popen.start(['true'], { stdout: 'pipe' });
      try {
        yield* Popen.start(['true'], { stdout: p1.stdout });
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      } finally {
        yield* p1.wait();
      }
    });
    expect(message).toContain("stdout can take another process's stdin pipe");
  });

  it("stderr: 'stdout' merges both into one pipe, in order", async () => {
    const out = await check(function* () {
      using p = yield* Popen.start(['sh', '-c', 'echo out1; echo err1 >&2; echo out2'], { stdout: 'pipe', stderr: 'stdout' });
      expect(p.stderr).toBeNull();
      const all = (yield* p.stdout!.readAll()).toString();
      return [all, yield* p.wait()];
    });
    expect(out).toEqual(['out1\nerr1\nout2\n', 0]);
  });

  it("stderr: 'stdout' with a command that does not exist is still an ENOENT error", async () => {
    const code = await check(function* () {
      try {
        yield* Popen.start(['curio-no-such-program'], { stdout: 'pipe', stderr: 'stdout' });
        return 'no error';
      } catch (e) {
        return (e as IOError).code;
      }
    });
    expect(code).toBe('ENOENT');
  });

  it('an aopen file, a descriptor and ignore as standard streams', async () => {
    const input = path.join(tmp, 'in.txt');
    const output = path.join(tmp, 'out.txt');
    fs.writeFileSync(input, 'from a file\n');
    const out = await check(function* () {
      const src = yield* aopen(input, 'rb');
      const dst = yield* aopen(output, 'wb');
      try {
        const p = yield* Popen.start(['sh', '-c', 'cat; echo to-stderr >&2'], { stdin: src, stdout: dst.fileno(), stderr: 'ignore' });
        return yield* p.wait();
      } finally {
        src.close();
        dst.close();
      }
    });
    expect(out).toBe(0);
    expect(fs.readFileSync(output, 'utf8')).toBe('from a file\n');
  });

  it('a cancelled read loses nothing, and the child keeps running', async () => {
    const out = await check(function* () {
      using p = yield* Popen.start(['cat'], { stdin: 'pipe', stdout: 'pipe' });
      yield* p.stdin!.write('12345');
      let timedOut = false;
      try {
        yield* timeoutAfter(50, p.stdout!.readExactly(10));
      } catch (e) {
        if (!(e instanceof TaskTimeout)) throw e;
        timedOut = true;
      }
      const running = p.poll();
      yield* p.stdin!.write('67890');
      const all = (yield* p.stdout!.readExactly(10)).toString();
      p.stdin!.close();
      return [timedOut, running, all, yield* p.wait()];
    });
    expect(out).toEqual([true, null, '1234567890', 0]);
  });
});

describe('wait, close and dispose', () => {
  it('a cancelled wait() leaves the child running', async () => {
    const out = await check(function* () {
      const p = yield* Popen.start(['sleep', '30']);
      let timedOut = false;
      try {
        yield* timeoutAfter(20, p.wait());
      } catch (e) {
        if (!(e instanceof TaskTimeout)) throw e;
        timedOut = true;
      }
      const alive = childPids().includes(p.pid);
      p.terminate();
      return [timedOut, alive, yield* p.wait()];
    });
    expect(out).toEqual([true, true, -15]);
  });

  it('using terminates a child still running at the end of the block', async () => {
    const status = await check(function* () {
      let p: Popen;
      {
        using q = yield* Popen.start(['sleep', '30'], { stdout: 'pipe' });
        p = q;
      }
      return yield* p.wait();
    });
    expect(status).toBe(-15);
  });

  it('close() kills a child that ignores SIGTERM after the grace period', async () => {
    const status = await check(function* () {
      const p = yield* Popen.start(['sh', '-c', "trap '' TERM; echo ready; while :; do sleep 0.05; done"], { stdout: 'pipe', gracePeriod: 100 });
      yield* p.stdout!.readline(); // the trap is set
      p.close();
      return yield* p.wait();
    });
    expect(status).toBe(-9);
  });

  it('a task cancelled while it holds a Popen leaves no child behind', async () => {
    const pid = await check(function* () {
      let started = 0;
      const task = yield* spawn(function* () {
        using p = yield* Popen.start(['sleep', '30'], { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' });
        started = p.pid;
        yield* p.stdout!.readAll();
      });
      while (started === 0) yield* sleep(1);
      yield* task.cancel();
      return started;
    });
    expect(pid).toBeGreaterThan(0);
  });
});
