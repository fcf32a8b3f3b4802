/**
 * Signals, end to end, with real signals sent to real processes. signal-watch: a program
 * whose only task waits in `SignalQueue.get()` stays alive and reports each signal. The
 * graceful server example (examples/src/graceful-server.ts), in its own process, reports
 * SIGHUP and SIGUSR1 through a `SignalQueue`; on SIGTERM it stops accepting, lets the
 * client it is serving finish its request, and exits with 143 (130 after SIGINT), as
 * `main()` does.
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { connectOne } from '../src/clients.js';
import { example, ServerProcess } from '../src/server-process.js';

jest.setTimeout(120_000);

const GRACEFUL_SERVER = example('graceful-server');
const SIGNAL_WATCH = example('signal-watch');

let server: ServerProcess | null = null;
afterEach(async () => {
  await server?.dispose();
  server = null;
});

/** Everything `socket` receives until the server closes it. */
function readToEnd(socket: Socket): Promise<string> {
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString()));
  return once(socket, 'end').then(() => text);
}

/** Starts the server and waits until its signal reporter is watching. */
async function startGracefulServer(): Promise<ServerProcess> {
  const s = (server = await ServerProcess.start({ script: GRACEFUL_SERVER }));
  // Before the queue is open, SIGUSR1 would start Node's inspector: wait for it.
  await s.waitForLine((l) => l.startsWith('Watching SIGHUP and SIGUSR1'));
  return s;
}

/** Sends `signal` and waits for the line the process prints about it (failing if it exits instead). */
async function signalAndWait(s: ServerProcess, signal: NodeJS.Signals, line: string): Promise<void> {
  const from = s.lines.length;
  const printed = s.waitForLine((l) => l === line, from);
  s.child.kill(signal);
  await Promise.race([
    printed,
    s.exited.then((status) => {
      throw new Error(`the process exited (${JSON.stringify(status)}) instead of printing '${line}' after ${signal}`);
    }),
  ]);
}

test('signal-watch: a task waiting for a signal keeps the program alive; each signal is reported; Ctrl-C ends it with 130', async () => {
  const s = (server = await ServerProcess.start({ script: SIGNAL_WATCH, args: () => [], ready: (l) => l.startsWith('Watching SIGHUP and SIGUSR1') }));
  for (const signal of ['SIGHUP', 'SIGUSR1', 'SIGHUP'] as const) await signalAndWait(s, signal, `Got ${signal}`);
  expect(s.hasExited).toBe(false);
  expect(await s.stop('SIGINT')).toEqual({ code: 130, signal: null });
  expect(s.stderr).toBe('');
});

test('SIGHUP and SIGUSR1 go through a SignalQueue: the server reports each one and keeps serving', async () => {
  const s = await startGracefulServer();
  for (let round = 0; round < 2; round++) {
    await signalAndWait(s, 'SIGHUP', 'Got SIGHUP: reloading the configuration');
    await signalAndWait(s, 'SIGUSR1', 'Got SIGUSR1: 0 client(s) in flight');
  }
  const client = await connectOne(s.port);
  const reply = readToEnd(client);
  client.end('still here\n');
  expect(await reply).toBe('STILL HERE\n');
  // Nothing else happened: no inspector started, nothing on stderr.
  expect(s.stderr).toBe('');
  expect(await s.stop('SIGTERM')).toEqual({ code: 143, signal: null });
});

test('SIGTERM: the server stops accepting, finishes the request in flight, then exits with 143', async () => {
  const s = await startGracefulServer();
  const client = await connectOne(s.port);
  await s.waitForAccepted(1);
  // Half a request: the server is waiting for the rest of the line.
  client.write('hel');
  const reply = readToEnd(client);

  const stopping = s.waitForLine((l) => l === 'Stopped accepting; finishing 1 client(s)');
  s.child.kill('SIGTERM');
  await stopping;
  expect(s.lines).toContain('Server shutting down (SIGTERM)');

  // No new clients...
  await expect(connectOne(s.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  // ...and signals are still reported while it drains.
  await signalAndWait(s, 'SIGUSR1', 'Got SIGUSR1: 1 client(s) in flight');
  expect(s.hasExited).toBe(false);

  // The client in flight finishes its request and gets its whole answer.
  client.write('lo, world\n');
  expect(await reply).toBe('HELLO, WORLD\n');
  expect(await s.exited).toEqual({ code: 143, signal: null });
  const end = s.lines.slice(s.lines.indexOf('Server shutting down (SIGTERM)'));
  expect(end).toEqual([
    'Server shutting down (SIGTERM)',
    'Stopped accepting; finishing 1 client(s)',
    'Got SIGUSR1: 1 client(s) in flight',
    'Connection closed',
    'All clients done',
  ]);
  expect(s.stderr).toBe('');
});

test('SIGINT stops it the same way, with status 130; a second SIGINT during the drain exits at once', async () => {
  const s = await startGracefulServer();
  const client = await connectOne(s.port);
  await s.waitForAccepted(1);
  const closed = once(client, 'close');

  const stopping = s.waitForLine((l) => l === 'Stopped accepting; finishing 1 client(s)');
  s.child.kill('SIGINT');
  await stopping;
  // The client never finishes its request; the operator does not wait for the grace period.
  s.child.kill('SIGINT');
  expect(await s.exited).toEqual({ code: 130, signal: null });
  expect(s.stderr).toBe('main(): SIGINT during shutdown, exiting without waiting for cleanup\n');
  expect(s.lines).not.toContain('All clients done');
  await closed;
});
