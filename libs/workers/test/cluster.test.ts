/**
 * runCluster's argument checks, and its restarts with a real crashing worker (a fixture
 * run as its own process). Its behaviour as a server (N processes on one port, graceful
 * stop on SIGTERM, a worker killed with SIGKILL replaced) is tested end to end with the
 * echo-cluster example in e2e/test/workers.test.ts: it forks the running script.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { runCluster, type RestartOptions } from '@curio/workers';
import { RestartSchedule, restartOptions } from '../src/restarts.js';

const CRASHING = join(__dirname, 'fixtures/crashing-cluster.mjs');

describe('runCluster', () => {
  it('checks its arguments before forking anything', async () => {
    await expect(runCluster('server' as never)).rejects.toThrow(/main must be a generator function \(the server\), got "server" \(a string\)/);
    const main = function* () {};
    await expect(runCluster(main, { workers: 0 })).rejects.toThrow(/workers must be an integer >= 1, got 0/);
    await expect(runCluster(main, { graceMs: -1 })).rejects.toThrow(/graceMs must be a number of milliseconds >= 0, got -1/);
    await expect(runCluster(main, { scheduling: 'random' as never })).rejects.toThrow(/scheduling must be 'os' or 'round-robin', got "random" \(a string\)/);
    await expect(runCluster(main, { restart: 3 as never })).rejects.toThrow(/option restart must be an object, got 3/);
    await expect(runCluster(main, { restart: { delayMs: -5 } })).rejects.toThrow(/restart.delayMs must be a finite number of milliseconds >= 0, got -5/);
    await expect(runCluster(main, { restart: { maxRestarts: 1.5 } })).rejects.toThrow(/restart.maxRestarts must be an integer >= 0, got 1.5/);
  });
});

/** Whether a process with this pid is still alive. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs the crashing cluster to its end: its forks (time in ms, pid), how runCluster ended
 * and how many workers crashed. `onLog` sees each of the primary's log lines, with its pid.
 */
function runCrashingCluster(
  restart: RestartOptions,
  onLog: (line: string, pid: number) => void = () => {},
): Promise<{ forks: { at: number; pid: number }[]; outcome: string; code: number | null; crashes: number }> {
  const child = spawn(process.execPath, [CRASHING, JSON.stringify(restart)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('log ')) onLog(line.slice('log '.length), child.pid!);
    else lines.push(line);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    child.once('close', (code) => {
      const forks = lines.filter((l) => l.startsWith('fork ')).map((l) => {
        const [, at, pid] = l.split(' ');
        return { at: Number(at), pid: Number(pid) };
      });
      const crashes = stderr.split('\n').filter((l) => l === 'Error: worker crash').length;
      resolve({ forks, outcome: lines.filter((l) => !l.startsWith('fork ')).join('\n'), code, crashes });
    });
  });
}

describe('runCluster restarts a crashing worker', () => {
  it('with a doubling delay, and gives up after restart.maxRestarts within the window, naming the limit and the last exit; no worker is left', async () => {
    const { forks, outcome, code, crashes } = await runCrashingCluster({ delayMs: 200, maxDelayMs: 800, maxRestarts: 4, windowMs: 60_000 });
    // The first worker and 4 replacements, then the fifth death is one too many.
    expect(forks).toHaveLength(5);
    expect(crashes).toBe(5);
    expect(outcome).toMatch(/^rejected ClusterGaveUp: runCluster\(\): a worker died after restart\.maxRestarts = 4 restarts within restart\.windowMs = 60000 ms \(last: worker (\d+), exit code 1\); giving up$/);
    expect(outcome).toContain(`worker ${forks[4].pid}, exit code 1`);
    expect(code).toBe(0);
    // Each gap is the worker's life (>= 50 ms) plus its delay: 200, 400, 800, then the cap.
    const gaps = forks.slice(1).map((f, i) => f.at - forks[i].at);
    [200, 400, 800, 800].forEach((delay, i) => expect(gaps[i]).toBeGreaterThanOrEqual(delay + 50));
    // Leaked children: every worker forked has exited.
    expect(forks.filter((f) => alive(f.pid))).toEqual([]);
  });

  it('starts no replacement once stopped: SIGTERM during the backoff delay ends the cluster without waiting it out', async () => {
    const { forks, outcome, code } = await runCrashingCluster({ delayMs: 120_000, maxDelayMs: 120_000 }, (line, pid) => {
      if (/^cluster: worker \d+ died \(exit code 1\); starting a replacement in 120000 ms$/.test(line)) process.kill(pid, 'SIGTERM');
    });
    expect(forks).toHaveLength(1);
    expect(outcome).toBe('resolved');
    expect(code).toBe(0);
    expect(alive(forks[0].pid)).toBe(false);
  });
});

describe('RestartSchedule (the delays, on a clock the test moves)', () => {
  it('doubles the delay for each death in a row up to maxDelayMs, and resets it after a worker stayed up windowMs', () => {
    let now = 0;
    const schedule = new RestartSchedule(restartOptions({ delayMs: 100, maxDelayMs: 500, maxRestarts: 100, windowMs: 10_000 }), () => now);
    const delays = [1, 2, 3, 4, 5].map(() => schedule.next(50));
    expect(delays).toEqual([100, 200, 400, 500, 500]);
    now += 20_000;
    expect(schedule.next(20_000)).toBe(100);
    expect(schedule.next(50)).toBe(200);
  });

  it('refuses the restart after maxRestarts within windowMs, and allows one again once the oldest left the window', () => {
    let now = 0;
    const schedule = new RestartSchedule(restartOptions({ delayMs: 0, maxRestarts: 2, windowMs: 1000 }), () => now);
    expect(schedule.next(10)).toBe(0);
    now = 500;
    expect(schedule.next(10)).toBe(0);
    now = 900;
    expect(schedule.next(10)).toBeNull();
    now = 1000;
    expect(schedule.next(10)).toBe(0);
  });
});
