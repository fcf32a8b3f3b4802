/**
 * The README's monitor sequence, as a user types it: `CURIO_MONITOR=1 npm start`, then
 * `npx curio-monitor` in another terminal, then `ps`. Real npm, real Nx build, the real
 * bin link in node_modules/.bin, which npm makes at install time, before any build.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { DEFAULT_MONITOR_PORT } from 'curio';
import { psTables } from '../src/monitor-cli.js';
import { CHILD_ENV, WORKSPACE_ROOT } from '../src/server-process.js';

jest.setTimeout(180_000);

/** `CURIO_MONITOR=1 npm start -- 0`, running until its `Server listening at` line. */
interface Started {
  start: ChildProcess;
  exited: Promise<number | null>;
  lines: string[];
  stderr: () => string;
}

/** Starts `CURIO_MONITOR=1 npm start -- 0` in its own process group (so the test can press "Ctrl-C") and waits for its server. */
async function startMonitored(): Promise<Started> {
  const start = spawn('npm', ['start', '--', '0'], { cwd: WORKSPACE_ROOT, env: { ...CHILD_ENV, CURIO_MONITOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const exited = new Promise<number | null>((resolve) => start.once('close', (code) => resolve(code)));
  let stderr = '';
  start.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: start.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line.startsWith('Server listening at')) resolve();
    });
    void exited.then((code) => reject(new Error(`npm start exited (${code}) before listening: ${stderr}`)));
  });
  return { start, exited, lines, stderr: () => stderr };
}

/**
 * The README's sequence needs the default port, 48802, which is inside the range the
 * system hands out for port 0: a test running beside this one may hold it (a server of
 * its own, for as long as that test runs). The server prints `Monitor listening at` before
 * its own line when its console listens; when it says it could not (EADDRINUSE), this
 * waits until the port is free again (up to two minutes) and tries once more.
 */
async function startWithMonitor(): Promise<Started> {
  for (let attempt = 1; ; attempt++) {
    const started = await startMonitored();
    if (started.lines.some((line) => line.startsWith('Monitor listening at'))) return started;
    pressCtrlC(started.start.pid!);
    await started.exited;
    if (!started.stderr().includes('EADDRINUSE') || attempt === 5) throw new Error(`the monitor did not listen (attempt ${attempt}):\n${started.lines.join('\n')}\n${started.stderr()}`);
    await untilFree(DEFAULT_MONITOR_PORT, 120_000);
  }
}

/** Resolves once nothing listens on 127.0.0.1:`port` (checked by listening there a moment), or after `ms` in any case. */
async function untilFree(port: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test('CURIO_MONITOR=1 npm start, then npx curio-monitor and ps, lists the echo server task', async () => {
  const { start, exited, lines, stderr } = await startWithMonitor();
  try {
    const cli = spawn('npx', ['curio-monitor'], { cwd: WORKSPACE_ROOT, env: CHILD_ENV, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    cli.stdout.on('data', (d: Buffer) => (out += d.toString()));
    cli.stderr.on('data', (d: Buffer) => (err += d.toString()));
    cli.stdin.end('ps\n');
    const code = await new Promise<number | null>((resolve) => cli.once('close', resolve));

    // Say what the server side said too, should the console ever be refused.
    if (code !== 0) throw new Error(`curio-monitor exited ${code}: ${err.trim()}\nnpm start printed:\n${lines.join('\n')}\nand on stderr:\n${stderr()}`);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const [table] = psTables(out);
    expect(table.map((row) => row.name)).toContain('echoServer');
  } finally {
    // If npm start has already exited, its group is gone (ESRCH): let the test's own
    // failure, which names the exit and its stderr, be the one reported.
    pressCtrlC(start.pid!);
  }
  // Ctrl-C reaches npm too (which dies of it), and the server: main() cancels it and its
  // cleanup runs, which the diagnostics record as the server task's end.
  await exited;
  expect(lines.some((l) => l.includes('"event":"terminated"') && l.includes('"taskName":"echoServer"') && l.includes('"outcome":"cancelled"'))).toBe(true);
});

/** SIGINT to a process group, as Ctrl-C in its terminal; a group already gone is no error. */
function pressCtrlC(groupLeader: number): void {
  try {
    process.kill(-groupLeader, 'SIGINT');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
