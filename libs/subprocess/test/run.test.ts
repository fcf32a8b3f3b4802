import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run as runKernel, spawn, timeoutAfter, TaskTimeout, TaskCancelled, type Operation, type Task } from '@curio/kernel';
import { IOError } from '@curio/io';
import { Popen, run, checkOutput, CompletedProcess, CalledProcessError, TimeoutExpired, SubprocessError } from '../src/index.js';
import { childPids, eventually, isGone, killIfAlive, nodeScript, openFds, processGroupOf } from './helpers.js';

let baselineFds: number;

beforeAll(async () => {
  await runKernel(function* () {
    yield* run(['true']);
  });
  baselineFds = openFds();
});

function check<T>(body: () => Operation<T>): Promise<T> {
  return runKernel(function* () {
    const result = yield* body();
    yield* eventually('all children reaped', () => childPids().length === 0);
    yield* eventually(`descriptors back to ${baselineFds}`, () => openFds() === baselineFds);
    return result;
  });
}

const MiB = 1024 * 1024;

describe('communicate', () => {
  it('reads megabytes from stdout and stderr at once without deadlock', async () => {
    // Each stream gets 8 MiB, far beyond a pipe's 64 KiB: reading one at a time would stall the child.
    const script = `const b = Buffer.alloc(${MiB}, 'x'); const e = Buffer.alloc(${MiB}, 'y');
      let i = 0; (function next() { if (i++ === 8) return; process.stdout.write(b); process.stderr.write(e, next); })();`;
    const sizes = await check(function* () {
      const p = yield* Popen.start(nodeScript(script), { stdout: 'pipe', stderr: 'pipe' });
      const [out, err] = yield* p.communicate();
      return [out!.length, err!.length, out!.every((c) => c === 0x78), err!.every((c) => c === 0x79), p.returncode];
    });
    expect(sizes).toEqual([8 * MiB, 8 * MiB, true, true, 0]);
  });

  it('sends megabytes of input while reading the output', async () => {
    const input = Buffer.alloc(6 * MiB);
    for (let i = 0; i < input.length; i++) input[i] = (i * 7) & 0xff;
    const digest = await check(function* () {
      const p = yield* Popen.start(['cat'], { stdin: 'pipe', stdout: 'pipe' });
      const [out] = yield* p.communicate(input);
      return createHash('sha256').update(out!).digest('hex');
    });
    expect(digest).toBe(createHash('sha256').update(input).digest('hex'));
  });

  it('decodes with encoding, and null for streams that are not pipes', async () => {
    const out = await check(function* () {
      const p = yield* Popen.start(['tr', 'a-z', 'A-Z'], { stdin: 'pipe', stdout: 'pipe', encoding: 'utf-8' });
      return yield* p.communicate('héllo\n');
    });
    expect(out).toEqual(['HéLLO\n', null]);
  });

  it('a pipe handed to another child counts as no pipe', async () => {
    const out = await check(function* () {
      using p1 = yield* Popen.start(['echo', 'through'], { stdout: 'pipe' });
      using p2 = yield* Popen.start(['cat'], { stdin: p1.stdout, stdout: 'pipe', encoding: 'utf-8' });
      return [yield* p1.communicate(), yield* p2.communicate()];
    });
    expect(out).toEqual([[null, null], ['through\n', null]]);
  });

  it('input without a stdin pipe is a clear error', async () => {
    const message = await check(function* () {
      using p = yield* Popen.start(['true'], { stdout: 'pipe' });
      try {
        yield* p.communicate('x');
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      } finally {
        yield* p.wait();
      }
    });
    expect(message).toContain("stdin of 'true' is not a pipe");
  });

  it('input for a stdin pipe already closed is a clear error', async () => {
    const message = await check(function* () {
      using p = yield* Popen.start(['cat'], { stdin: 'pipe', stdout: 'pipe' });
      p.stdin!.close();
      try {
        yield* p.communicate('x');
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      } finally {
        yield* p.wait();
      }
    });
    expect(message).toBe("communicate(): input was given but the stdin pipe of 'cat' is already closed");
  });

  it('cancelled, it terminates and reaps the child and closes its pipes', async () => {
    const out = await check(function* () {
      const p = yield* Popen.start(['sh', '-c', 'echo started; exec sleep 30'], { stdout: 'pipe' });
      try {
        yield* timeoutAfter(100, p.communicate());
        return 'no timeout';
      } catch (e) {
        if (!(e instanceof TaskTimeout)) throw e;
      }
      return [p.returncode, p.stdout!.isClosed];
    });
    expect(out).toEqual([-15, true]);
  });
});

describe('run', () => {
  it('captures output and the exit status in a CompletedProcess', async () => {
    const done = await check(function* () {
      return yield* run(['sh', '-c', 'echo out; echo err >&2; exit 4'], { capture: true, encoding: 'utf-8' });
    });
    expect(done).toBeInstanceOf(CompletedProcess);
    expect(done.args).toEqual(['sh', '-c', 'echo out; echo err >&2; exit 4']);
    expect([done.returncode, done.stdout, done.stderr]).toEqual([4, 'out\n', 'err\n']);
    expect(() => done.checkReturncode()).toThrow(CalledProcessError);
  });

  it('without capture the output is not collected', async () => {
    const done = await check(function* () {
      return yield* run(['true']);
    });
    expect([done.returncode, done.stdout, done.stderr]).toEqual([0, null, null]);
  });

  it('feeds input and runs shell command lines', async () => {
    const out = await check(function* () {
      const sorted = yield* run(['sort'], { input: 'b\nc\na\n', capture: true, encoding: 'utf-8' });
      const shell = yield* run('echo $((6 * 7)) | tr 4 X', { shell: true, stdout: 'pipe', encoding: 'utf-8' });
      return [sorted.stdout, shell.stdout];
    });
    expect(out).toEqual(['a\nb\nc\n', 'X2\n']);
  });

  it("stderr: 'stdout' with a shell command line merges both, in order", async () => {
    const done = await check(function* () {
      return yield* run('echo a; echo b >&2; echo c', { shell: true, stdout: 'pipe', stderr: 'stdout', encoding: 'utf-8' });
    });
    expect([done.stdout, done.stderr]).toEqual(['a\nb\nc\n', null]);
  });

  it('a child that exits without reading its input is not an error (the broken pipe is ignored)', async () => {
    const done = await check(function* () {
      return yield* run(['true'], { input: Buffer.alloc(8 * MiB) });
    });
    expect(done.returncode).toBe(0);
  });

  it('a lone string without shell is a program with no arguments', async () => {
    const done = await check(function* () {
      return yield* run('pwd', { capture: true, encoding: 'utf-8', cwd: '/' });
    });
    expect([done.args, done.stdout]).toEqual(['pwd', '/\n']);
  });

  it('check: a non-zero status is a CalledProcessError with the output', async () => {
    const error = await check(function* () {
      try {
        yield* run(['sh', '-c', 'echo partial; echo why >&2; exit 2'], { capture: true, check: true });
      } catch (e) {
        return e;
      }
      throw new Error('no error');
    });
    expect(error).toBeInstanceOf(CalledProcessError);
    expect(error).toBeInstanceOf(SubprocessError);
    const e = error as CalledProcessError<Buffer>;
    expect([e.returncode, e.stdout!.toString(), e.stderr!.toString(), e.cmd]).toEqual([2, 'partial\n', 'why\n', ['sh', '-c', 'echo partial; echo why >&2; exit 2']]);
    expect(e.message).toBe("Command 'sh -c echo partial; echo why >&2; exit 2' returned non-zero exit status 2.");
  });

  it('a child killed by a signal has returncode -N and says so', async () => {
    const error = await check(function* () {
      try {
        yield* run(['sh', '-c', 'kill -9 $$'], { check: true });
      } catch (e) {
        return e as CalledProcessError;
      }
      throw new Error('no error');
    });
    expect(error.returncode).toBe(-9);
    expect(error.message).toContain('died with SIGKILL');
  });

  it('timeout: TimeoutExpired with the output so far; the child is terminated and reaped', async () => {
    const error = await check(function* () {
      try {
        yield* run(['sh', '-c', 'echo before; exec sleep 30'], { stdout: 'pipe', timeout: 200 });
      } catch (e) {
        return e;
      }
      throw new Error('no error');
    });
    expect(error).toBeInstanceOf(TimeoutExpired);
    const e = error as TimeoutExpired<Buffer>;
    expect(e.timeout).toBe(200);
    expect(e.message).toBe("Command 'sh -c echo before; exec sleep 30' timed out after 200 ms");
    expect(e.stdout!.toString()).toBe('before\n');
  });

  it('timeout with a child that ignores SIGTERM: SIGKILL after the grace period', async () => {
    const error = await check(function* () {
      try {
        yield* run(['sh', '-c', "trap '' TERM; echo ready; while :; do sleep 0.05; done"], { stdout: 'pipe', timeout: 300, gracePeriod: 100 });
      } catch (e) {
        return e;
      }
      throw new Error('no error');
    });
    expect(error).toBeInstanceOf(TimeoutExpired);
  });

  it('cancelled: the child is terminated and reaped, the cancellation goes on', async () => {
    const out = await check(function* () {
      const task = yield* spawn(function* () {
        return yield* run(['sleep', '30'], { capture: true });
      });
      yield* eventually('the child started', () => childPids().length === 1);
      yield* task.cancel();
      return task.exception;
    });
    expect(out).toBeInstanceOf(TaskCancelled);
  });

  it('a program that cannot be run is an IOError', async () => {
    const code = await check(function* () {
      try {
        yield* run(['curio-no-such-program'], { capture: true, input: 'x' });
      } catch (e) {
        return (e as IOError).code;
      }
      return 'no error';
    });
    expect(code).toBe('ENOENT');
  });

  it('bad option combinations are clear errors', async () => {
    const messages = await check(function* () {
      const out: string[] = [];
      for (const options of [{ input: 'x', stdin: 'ignore' as const }, { capture: true, stdout: 'pipe' as const }, { timeout: -1 }]) {
        try {
          yield* run(['true'], options);
        } catch (e) {
          out.push((e as Error).message);
        }
      }
      return out;
    });
    expect(messages).toEqual([
      'run(): give either input or stdin, not both (input makes stdin a pipe)',
      'run(): give either capture or stdout/stderr, not both (capture makes both pipes)',
      'run(): timeout must be a non-negative number of milliseconds, got -1',
    ]);
  });
});

describe('checkOutput', () => {
  it('returns stdout, and throws CalledProcessError on failure', async () => {
    const out = await check(function* () {
      const text = yield* checkOutput(['echo', 'hello'], { encoding: 'utf-8' });
      const bytes = yield* checkOutput(['printf', 'ab']);
      let failed: CalledProcessError | null = null;
      try {
        yield* checkOutput(['sh', '-c', 'echo some; exit 1']);
      } catch (e) {
        failed = e as CalledProcessError;
      }
      return [text, bytes.toString(), failed?.returncode, String(failed?.output)];
    });
    expect(out).toEqual(['hello\n', 'ab', 1, 'some\n']);
  });
});

describe('process groups: a child terminated for its owner takes what it started with it', () => {
  /** A shell whose background job (the grandchild) would outlive it: it prints the job's pid, then waits. */
  const WITH_GRANDCHILD = 'sleep 1000 & echo $!; wait';
  let tmp: string;
  let grandchildren: number[];

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-groups-'));
    grandchildren = [];
  });
  afterEach(() => {
    // A failing test must not leave a sleep 1000 behind.
    for (const pid of grandchildren) killIfAlive(pid);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The pid a command wrote into `file` (it writes the grandchild's), once it is there. */
  function* pidWritten(file: string): Operation<number> {
    yield* eventually(`a pid in ${file}`, () => fs.existsSync(file) && fs.readFileSync(file, 'utf-8').endsWith('\n'));
    const pid = Number(fs.readFileSync(file, 'utf-8'));
    grandchildren.push(pid);
    return pid;
  }

  /** Spawns `body`, waits for the grandchild pid it has the shell write into a file, cancels it. */
  function* cancelOnceStarted(body: (file: string) => Operation<unknown>): Operation<{ grandchild: number; task: Task }> {
    const file = path.join(tmp, 'pid');
    const task = yield* spawn(body, file);
    const grandchild = yield* pidWritten(file);
    expect(isGone(grandchild)).toBe(false);
    yield* task.cancel();
    return { grandchild, task };
  }

  const writingPid = (file: string) => `sleep 1000 & echo $! > ${file}; wait`;

  it('a cancelled run kills the grandchild, and leaves no zombie', async () => {
    const out = await check(function* () {
      const { grandchild, task } = yield* cancelOnceStarted((file) => run(['sh', '-c', writingPid(file)], { capture: true }));
      yield* eventually('the grandchild is gone', () => isGone(grandchild));
      return task.exception;
    });
    expect(out).toBeInstanceOf(TaskCancelled);
  });

  it('a cancelled checkOutput kills the grandchild', async () => {
    await check(function* () {
      const { grandchild } = yield* cancelOnceStarted((file) => checkOutput(['sh', '-c', writingPid(file)]));
      yield* eventually('the grandchild is gone', () => isGone(grandchild));
    });
  });

  it('a run that times out kills the grandchild', async () => {
    const out = await check(function* () {
      const file = path.join(tmp, 'pid');
      const runner = yield* spawn(function* () {
        try {
          return yield* run(['sh', '-c', writingPid(file)], { timeout: 500, capture: true });
        } catch (e) {
          return e;
        }
      });
      const grandchild = yield* pidWritten(file);
      const error = yield* runner.join();
      yield* eventually('the grandchild is gone', () => isGone(grandchild));
      return error;
    });
    expect(out).toBeInstanceOf(TimeoutExpired);
  });

  it('a cancelled communicate kills the grandchild; the child leads its own group', async () => {
    const out = await check(function* () {
      const p = yield* Popen.start(['sh', '-c', WITH_GRANDCHILD], { stdout: 'pipe' });
      const grandchild = Number((yield* p.stdout!.readline()).toString());
      grandchildren.push(grandchild);
      const groups = [processGroupOf(p.pid), processGroupOf(grandchild)];
      try {
        yield* timeoutAfter(50, p.communicate());
      } catch (e) {
        if (!(e instanceof TaskTimeout)) throw e;
      }
      yield* eventually('the grandchild is gone', () => isGone(grandchild));
      return { groups, pid: p.pid, returncode: p.returncode, processGroup: p.processGroup };
    });
    expect(out.groups).toEqual([out.pid, out.pid]);
    expect(out.returncode).toBe(-15);
    expect(out.processGroup).toBe(true);
  });

  it('disposing a Popen kills the grandchild, even when the child itself has exited', async () => {
    await check(function* () {
      let grandchild: number;
      {
        // The shell exits at once; its background job would run on.
        using p = yield* Popen.start(['sh', '-c', 'sleep 1000 & echo $!'], { stdout: 'pipe' });
        grandchild = Number((yield* p.stdout!.readline()).toString());
        grandchildren.push(grandchild);
        expect(yield* p.wait()).toBe(0);
        expect(isGone(grandchild)).toBe(false);
      }
      yield* eventually('the grandchild is gone', () => isGone(grandchild));
    });
  });

  it('a grandchild that ignores SIGTERM gets SIGKILL after the grace period', async () => {
    await check(function* () {
      const p = yield* Popen.start(['sh', '-c', `sh -c "trap '' TERM; exec sleep 1000" & echo $!; wait`], { stdout: 'pipe', gracePeriod: 200 });
      const grandchild = Number((yield* p.stdout!.readline()).toString());
      grandchildren.push(grandchild);
      yield* eventually('the trap is set', () => fs.readFileSync(`/proc/${grandchild}/comm`, 'latin1') === 'sleep\n');
      p.close();
      // The shell goes on SIGTERM; the grandchild only on the SIGKILL.
      expect(yield* p.wait()).toBe(-15);
      expect(isGone(grandchild)).toBe(false);
      yield* eventually('the grandchild is gone', () => isGone(grandchild));
    });
  });

  it('processGroup: false keeps the child in this process group: its background job outlives a cancel', async () => {
    const out = await check(function* () {
      const p = yield* Popen.start(['sh', '-c', WITH_GRANDCHILD], { stdout: 'pipe', processGroup: false });
      const grandchild = Number((yield* p.stdout!.readline()).toString());
      grandchildren.push(grandchild);
      const group = processGroupOf(p.pid);
      try {
        yield* timeoutAfter(50, p.communicate());
      } catch (e) {
        if (!(e instanceof TaskTimeout)) throw e;
      }
      const survived = !isGone(grandchild);
      killIfAlive(grandchild);
      return { group, survived, processGroup: p.processGroup };
    });
    expect(out).toEqual({ group: processGroupOf(process.pid), survived: true, processGroup: false });
  });
});
