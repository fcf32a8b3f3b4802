/**
 * The monitor on a Unix socket: made 0600 whatever the umask, stale sockets replaced,
 * live ones and other files left alone, removed when the monitor stops.
 */
import { existsSync, linkSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kernel, sleep } from '@curio/kernel';
import { monitor, monitorFromEnvironment, type MonitorActivation } from '../src/index.js';
import { ConsoleClient, parseTable } from './console-client.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'curio-mon-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a kernel with `mon` until the test shuts it down. */
function runWith(mon: MonitorActivation): { kernel: Kernel; done: Promise<unknown> } {
  const kernel = new Kernel({ activations: [mon] });
  const done = kernel.run(function* sleeper() { yield* sleep(300_000); }).catch(() => null);
  return { kernel, done };
}

async function stop({ kernel, done }: { kernel: Kernel; done: Promise<unknown> }, mon: MonitorActivation): Promise<void> {
  await kernel.shutdown();
  await done;
  await mon.close();
}

function listenAt(path: string): Promise<Server> {
  const server = createServer();
  return new Promise((resolve) => server.listen(path, () => resolve(server)));
}

test('a socket of mode 0600 even under umask 0, answering ps; removed when the monitor stops', async () => {
  const path = join(dir, 'app.monitor');
  const umask = process.umask(0);
  try {
    const mon = monitor({ path });
    const running = runWith(mon);
    expect(await mon.listening).toEqual({ path });
    const stat = statSync(path);
    expect(stat.isSocket()).toBe(true);
    expect((stat.mode & 0o777).toString(8)).toBe('600');
    const { client, greeting } = await ConsoleClient.open(path);
    expect(greeting).toBe('Curio Monitor: 1 tasks running\nType help for commands');
    expect(parseTable(await client.command('ps')).map((r) => r.name)).toEqual(['sleeper']);
    client.close();
    await stop(running, mon);
    expect(existsSync(path)).toBe(false);
  } finally {
    process.umask(umask);
  }
});

test('a stale socket at the path (nobody listening) is replaced', async () => {
  const path = join(dir, 'stale.monitor');
  // A second name for a live socket stays behind, stale, when its server closes.
  const live = await listenAt(join(dir, 'live'));
  linkSync(join(dir, 'live'), path);
  await new Promise((resolve) => live.close(resolve));
  expect(statSync(path).isSocket()).toBe(true);

  const mon = monitor({ path });
  const running = runWith(mon);
  expect(await mon.listening).toEqual({ path });
  const { client } = await ConsoleClient.open(path);
  expect(parseTable(await client.command('ps')).map((r) => r.name)).toEqual(['sleeper']);
  client.close();
  await stop(running, mon);
  expect(existsSync(path)).toBe(false);
});

test('a socket another program listens on, or a file that is no socket, is left alone', async () => {
  const taken = join(dir, 'taken.monitor');
  const other = await listenAt(taken);
  const file = join(dir, 'notes.txt');
  writeFileSync(file, 'keep me');
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    for (const [path, why] of [[taken, `another program is listening at ${taken}`], [file, `${file} exists and is not a socket; not replacing it`]]) {
      const mon = monitor({ path });
      const running = runWith(mon);
      await expect(mon.listening).rejects.toThrow(`monitor(): cannot listen on unix:${path}: ${why}`);
      await stop(running, mon);
    }
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    expect(statSync(taken).isSocket()).toBe(true);
    expect(other.listening).toBe(true);
  } finally {
    stderr.mockRestore();
    await new Promise((resolve) => other.close(resolve));
  }
  // The private directory the monitor binds in first is gone too.
  expect(readdirSync(dir).sort()).toEqual(['notes.txt']);
});

test('CURIO_MONITOR=unix:PATH and the { path } setting (what run(main, { monitor: { path } }) passes)', async () => {
  for (const [setting, env, name] of [[undefined, { CURIO_MONITOR: `unix:${join(dir, 'env.monitor')}` }, 'env.monitor'], [{ path: join(dir, 'option.monitor') }, {}, 'option.monitor']] as const) {
    const mon = monitorFromEnvironment(setting, env)!;
    const running = runWith(mon);
    expect(await mon.listening).toEqual({ path: join(dir, name) });
    expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
    await stop(running, mon);
  }
});

test('bad paths are refused at once, naming the problem', () => {
  expect(() => monitor({ path: '' })).toThrow(`monitor(): path must be a non-empty string such as '/run/user/1000/app.monitor'; got "" (an empty string)`);
  expect(() => monitor({ path: '/tmp/x', port: 9000 })).toThrow('monitor(): give either path (a Unix socket) or host and port, not both; got path "/tmp/x" with port 9000');
  const long = `/tmp/${'d'.repeat(100)}/m`;
  expect(() => monitor({ path: long })).toThrow(`monitor(): path ${long} is too long for a Unix socket`);
});
