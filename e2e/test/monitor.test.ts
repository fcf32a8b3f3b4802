/**
 * The monitor end to end: the echo server with CURIO_MONITOR, real clients, the
 * `curio-monitor` CLI listing them, cancelling one and signalling the server; and `ps`
 * answered while a task holds the CPU of a program.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HOST } from '../src/clients.js';
import { CHILD_ENV, ServerProcess, WORKSPACE_ROOT } from '../src/server-process.js';
import { monitorCli, psTables } from '../src/monitor-cli.js';

jest.setTimeout(120_000);

/** An open client connection to the echo server, after one echoed exchange. */
async function echoingClient(port: number, text: string): Promise<{ socket: Socket; ended: Promise<void> }> {
  const socket = connect(port, HOST);
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  let got = '';
  await new Promise<void>((resolve) => {
    socket.on('data', (d: Buffer) => {
      got += d.toString();
      if (got === text) resolve();
    });
    socket.once('connect', () => socket.write(text));
  });
  return { socket, ended };
}

let server: ServerProcess | null = null;
afterEach(async () => {
  await server?.dispose();
  server = null;
});

test('echo server with the monitor: list clients with curio-monitor, cancel one, signal the server', async () => {
  const s = (server = await ServerProcess.start({ env: { CURIO_MONITOR: '127.0.0.1:0' } }));
  const monitorLine = await s.waitForLine((l) => l.startsWith('Monitor listening at'));
  const [, monitorHost, monitorPort] = /^Monitor listening at \('([^']+)', (\d+)\)$/.exec(monitorLine)!;
  expect(monitorHost).toBe('127.0.0.1');
  // The server starts once the console listens: whoever sees its line can connect at once.
  expect(s.lines.indexOf(monitorLine)).toBeLessThan(s.lines.findIndex((l) => l.startsWith('Server listening at')));
  const port = Number(monitorPort);

  const clients = await Promise.all(['one', 'two', 'three'].map((t) => echoingClient(s.port, t)));
  const first = await monitorCli(port, ['ps']);
  expect(first.code).toBe(0);
  expect(first.stdout).toMatch(/^Curio Monitor: 4 tasks running\nType help for commands\n/);
  const [table] = psTables(first.stdout);
  const echoClients = table.filter((r) => r.name === 'echoClient');
  expect(echoClients.map((r) => r.state)).toEqual(['READ_WAIT', 'READ_WAIT', 'READ_WAIT']);
  const serverRow = table.find((r) => r.name === 'echoServer')!;
  expect(echoClients.every((r) => r.parent === String(serverRow.id))).toBe(true);

  // Cancel the first client's task: its `using` closes the connection.
  const victim = echoClients[0].id;
  const second = await monitorCli(port, [`where ${victim}`, `cancel ${victim}`, 'ps', 'signal USR2', 'bogus']);
  expect(second.stdout).toContain(`Stack for Task(id=${victim}, name='echoClient', state='READ_WAIT')`);
  // The built server's frames, read through its source maps: the TypeScript file and line.
  expect(second.stdout).toMatch(/ at echoClient \(.*examples\/src\/echo-server\.ts:\d+:\d+\)/);
  expect(second.stdout).not.toMatch(/\.js:\d+:\d+\)/);
  expect(second.stdout).toContain(`Cancelled task ${victim} (echoClient)`);
  await clients[0].ended;
  const [after] = psTables(second.stdout);
  expect(after.filter((r) => r.name === 'echoClient').map((r) => r.id)).toEqual(echoClients.slice(1).map((r) => r.id));
  expect(second.stdout).toContain('Sent SIGUSR2');
  const stats = JSON.parse((await s.waitForLine((l) => l.startsWith('stats '))).slice(6)) as { byName: Record<string, number> };
  expect(stats.byName.echoClient).toBe(2);
  expect(second.stdout).toContain("Unknown command 'bogus'. Usage: ps | where ID | cancel ID | parents ID | signal NAME | help | quit");

  // The others still echo.
  for (const c of clients.slice(1)) c.socket.destroy();
  expect(await s.stop('SIGTERM')).toEqual({ code: 143, signal: null });
  expect(s.stderr).toBe('');
});

test('CURIO_MONITOR=unix:PATH: a socket only its owner can use (mode 0600), which curio-monitor unix:PATH reaches for ps, gone when the program ends', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'curio-e2e-unix-'));
  const path = join(dir, 'echo.monitor');
  try {
    const s = (server = await ServerProcess.start({ env: { CURIO_MONITOR: `unix:${path}` } }));
    expect(await s.waitForLine((l) => l.startsWith('Monitor listening at'))).toBe(`Monitor listening at ${path}`);
    const stat = statSync(path);
    expect({ socket: stat.isSocket(), mode: (stat.mode & 0o777).toString(8), uid: stat.uid }).toEqual({ socket: true, mode: '600', uid: process.getuid!() });

    const client = await echoingClient(s.port, 'hello');
    const session = await monitorCli(`unix:${path}`, ['ps']);
    expect({ code: session.code, stderr: session.stderr }).toEqual({ code: 0, stderr: '' });
    const [table] = psTables(session.stdout);
    expect(table.map((r) => [r.name, r.state])).toEqual([['echoServer', 'READ_WAIT'], ['echoClient', 'READ_WAIT']]);
    client.socket.destroy();
    expect(await s.stop('SIGTERM')).toEqual({ code: 143, signal: null });
    // The monitor removes its socket when the program ends.
    expect(existsSync(path)).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ps while a task holds the CPU: answered, naming the task and how long', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'curio-e2e-hog-'));
  const go = join(dir, 'go');
  const stop = join(dir, 'stop');
  // A program whose 'cruncher' task, once told to, spins without ever yielding until told to stop.
  const program = `
    import { existsSync } from 'node:fs';
    import { run, spawn, sleep, monitor } from 'curio';
    const [go, stop] = process.argv.slice(1);
    const mon = monitor({ port: 0 });
    mon.listening.then(({ port }) => console.log('monitor ' + port));
    await run(function* main() {
      const cruncher = yield* spawn.with({ name: 'cruncher' })(function* () {
        while (!existsSync(go)) yield* sleep(10);
        console.log('hogging');
        while (!existsSync(stop)) { /* no yield: every other task waits */ }
      });
      yield* cruncher.join();
    }, { activations: [mon] });
    console.log('finished');
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', program, go, stop], { cwd: WORKSPACE_ROOT, env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    waiters.splice(0).forEach((w) => w());
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const line = async (prefix: string) => {
    while (!lines.some((l) => l.startsWith(prefix))) await new Promise<void>((resolve) => waiters.push(resolve));
    return lines.find((l) => l.startsWith(prefix))!;
  };
  try {
    const port = Number((await line('monitor ')).slice('monitor '.length));
    const before = await monitorCli(port, ['ps']);
    expect(before.stdout).not.toContain('The kernel is busy');
    expect(psTables(before.stdout)[0].map((r) => r.name)).toEqual(['main', 'cruncher']);
    writeFileSync(go, '');
    await line('hogging');
    const session = await monitorCli(port, ['ps']);
    writeFileSync(stop, '');
    expect(session.stdout).toMatch(/The kernel is busy: task \d+ \(cruncher\) has been running for \d+(ms|\.\ds) without blocking\./);
    const [table] = psTables(session.stdout);
    expect(table.map((r) => r.name)).toEqual(['main', 'cruncher']);
    expect(await exited).toBe(0);
    expect(lines).toContain('finished');
    expect(stderr).toBe('');
  } finally {
    if (!existsSync(stop)) writeFileSync(stop, '');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--diagnostics: the echo server logs lifecycle records through pino, as JSON lines when piped', async () => {
  const s = (server = await ServerProcess.start({ args: (p) => [String(p), '--diagnostics'] }));
  const client = await echoingClient(s.port, 'hello');
  client.socket.end();
  await client.ended;
  await s.waitForLine((l) => l.includes('"event":"terminated"') && l.includes('"taskName":"echoClient"'));
  const records = s.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  const clientRecords = records.filter((r) => r.taskName === 'echoClient');
  expect(clientRecords.map((r) => [r.level, r.name, r.event, r.trap ?? null, r.outcome ?? null])).toEqual([
    [30, 'curio', 'created', null, null],
    [30, 'curio', 'waits', 'READ_WAIT', null],
    [30, 'curio', 'terminated', null, 'returned'],
  ]);
  // pino's `err` convention: no `error` field at all, and `err` only on a failure.
  expect(records.filter((r) => 'error' in r)).toEqual([]);
  expect(clientRecords.filter((r) => 'err' in r)).toEqual([]);
  expect(typeof clientRecords[0].time).toBe('number');
  expect(clientRecords[0].msg).toBe(`task ${clientRecords[0].taskId as number} echoClient created`);
  expect(await s.stop('SIGTERM')).toEqual({ code: 143, signal: null });
  // The server task ends cancelled by SIGTERM: an outcome, not an error.
  const ended = s.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  const serverEnd = ended.find((r) => r.taskName === 'echoServer' && r.event === 'terminated');
  expect(serverEnd).toMatchObject({ outcome: 'cancelled', msg: expect.stringContaining('terminated with TaskCancelled') });
  expect(serverEnd).not.toHaveProperty('err');
});
