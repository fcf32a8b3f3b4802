/**
 * The README's monitor sequence, as a user types it: `CURIO_MONITOR=1 npm start`, then
 * `npx curio-monitor` in another terminal, then `ps`. Real npm, real Nx build, the real
 * bin link in node_modules/.bin, which npm makes at install time, before any build.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { psTables } from '../src/monitor-cli.js';
import { CHILD_ENV, WORKSPACE_ROOT } from '../src/server-process.js';

jest.setTimeout(180_000);

test('CURIO_MONITOR=1 npm start, then npx curio-monitor and ps, lists the echo server task', async () => {
  // Its own process group, so the test can press "Ctrl-C" (SIGINT to the group) at the end.
  const start = spawn('npm', ['start', '--', '0'], { cwd: WORKSPACE_ROOT, env: { ...CHILD_ENV, CURIO_MONITOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const exited = new Promise<number | null>((resolve) => start.once('close', (code) => resolve(code)));
  let stderr = '';
  start.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: start.stdout! }).on('line', (line) => {
        lines.push(line);
        if (line.startsWith('Server listening at')) resolve();
      });
      void exited.then((code) => reject(new Error(`npm start exited (${code}) before listening: ${stderr}`)));
    });

    const cli = spawn('npx', ['curio-monitor'], { cwd: WORKSPACE_ROOT, env: CHILD_ENV, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    cli.stdout.on('data', (d: Buffer) => (out += d.toString()));
    cli.stderr.on('data', (d: Buffer) => (err += d.toString()));
    cli.stdin.end('ps\n');
    const code = await new Promise<number | null>((resolve) => cli.once('close', resolve));

    // Say what the server side said too: a refused console has been seen under a full parallel run only.
    if (code !== 0) throw new Error(`curio-monitor exited ${code}: ${err.trim()}\nnpm start printed:\n${lines.join('\n')}\nand on stderr:\n${stderr}`);
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
