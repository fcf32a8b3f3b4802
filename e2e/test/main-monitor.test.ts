/**
 * The umbrella's main() honours CURIO_MONITOR, as its run() does: a real program under
 * main() with CURIO_MONITOR=127.0.0.1:PORT serves the console (curio-monitor lists its
 * tasks), and SIGTERM still runs its cleanup and exits with 143.
 */
import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { monitorCli, psTables, type CliSession } from '../src/monitor-cli.js';
import { CHILD_ENV, WORKSPACE_ROOT } from '../src/server-process.js';
import { freePort } from '../../tools/scripts/free-port.cjs';

jest.setTimeout(120_000);

const PROGRAM = `
import { main, sleep, spawn } from 'curio';
main(function* () {
  yield* spawn.with({ name: 'visible-worker' })(function* () { yield* sleep(1e9); });
  try {
    console.log('ready');
    yield* sleep(1e9);
  } finally {
    console.log('cleanup started');
    yield* sleep(100);
    console.log('cleanup done');
  }
});
`;

/** `ps` through curio-monitor, once the console listens (its thread starts with the kernel, a moment after 'ready'). */
async function psWhenListening(port: number): Promise<CliSession> {
  for (let attempt = 1; ; attempt++) {
    const session = await monitorCli(port, ['ps']);
    if (session.code === 0 || attempt >= 100) return session;
    await delay(50);
  }
}

test('main() with CURIO_MONITOR serves the monitor console, and SIGTERM still runs the cleanup and exits 143', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--input-type=module', '-e', PROGRAM], {
    cwd: `${WORKSPACE_ROOT}/e2e`,
    env: { ...CHILD_ENV, CURIO_MONITOR: `127.0.0.1:${port}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = new Promise<void>((resolve) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (line === 'ready') resolve();
    });
  });
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  try {
    await ready;
    const session = await psWhenListening(port);
    expect(session).toMatchObject({ code: 0, stderr: '' });
    const [table] = psTables(session.stdout);
    expect(table.find((row) => row.name === 'visible-worker')).toMatchObject({ state: 'TIME_SLEEP' });

    child.kill('SIGTERM');
    expect(await closed).toBe(143);
    expect(lines).toEqual(['ready', 'cleanup started', 'cleanup done']);
    expect(stderr).toBe('');
  } finally {
    child.kill('SIGKILL');
  }
});
