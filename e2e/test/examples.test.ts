/**
 * The other runnable examples, each as its own process, doing what their top comment
 * says, then shutting down cleanly on SIGTERM (exit status 143, as `main()` does).
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectOne, echoExchange, HOST, RandomPool } from '../src/clients.js';
import { CHILD_ENV, example, ServerProcess, WORKSPACE_ROOT, type ExitStatus } from '../src/server-process.js';

jest.setTimeout(120_000);

const perfect = (bytes: number) => ({ sent: bytes, received: bytes, mismatchAt: null, sawEnd: true, error: null });

let server: ServerProcess | null = null;
let dir: string | null = null;

afterEach(async () => {
  await server?.dispose();
  server = null;
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

test('echo-server-highlevel echoes each client and exits with status 143 on SIGTERM', async () => {
  const s = (server = await ServerProcess.start({ script: example('echo-server-highlevel') }));
  const pool = new RandomPool(256 * 1024);
  const results = await Promise.all([0, 1, 2].map(async (i) => echoExchange(await connectOne(s.port), pool.window(i))));
  expect(results).toEqual([0, 1, 2].map(() => perfect(256 * 1024)));
  await s.waitForCount('Connection closed', 3);
  expect(await s.stop('SIGTERM')).toEqual({ code: 143, signal: null });
  expect(s.stderr).toBe('');
});

test('unix-echo echoes over a Unix socket and removes the socket file when it stops', async () => {
  dir = mkdtempSync(join(tmpdir(), 'curio-e2e-'));
  const path = join(dir, 'echo.sock');
  const s = (server = await ServerProcess.start({ script: example('unix-echo'), args: () => [path] }));
  const pool = new RandomPool(256 * 1024);
  const client = connect({ path });
  await once(client, 'connect');
  expect(await echoExchange(client, pool.window(0))).toEqual(perfect(256 * 1024));
  expect(await s.stop('SIGTERM')).toEqual({ code: 143, signal: null });
  expect(existsSync(path)).toBe(false);
});

test('udp-echo sends each datagram back to its sender', async () => {
  const s = (server = await ServerProcess.start({ script: example('udp-echo') }));
  const client = createSocket('udp4');
  try {
    const replies: string[] = [];
    for (const text of ['hello', 'curio', 'datagrams']) {
      const reply = once(client, 'message');
      client.send(text, s.port, HOST);
      const [message] = (await reply) as [Buffer];
      replies.push(message.toString());
    }
    expect(replies).toEqual(['hello', 'curio', 'datagrams']);
    // The server logs before it replies, but its stdout and the reply reach this process
    // by different descriptors, so the last line may be read after the last reply.
    await s.waitForCount('Received from', 3);
    expect(s.count('Received from')).toBe(3);
  } finally {
    client.close();
  }
  expect(await s.stop('SIGTERM')).toEqual({ code: 143, signal: null });
});

/** A line-oriented chat client: collects what it receives; `until` waits for a text. */
function chatClient(socket: Socket) {
  let text = '';
  let waiters: Array<() => void> = [];
  socket.on('data', (d: Buffer) => {
    text += d.toString();
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  });
  return {
    get text() {
      return text;
    },
    async until(part: string): Promise<void> {
      while (!text.includes(part)) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    say(line: string) {
      socket.write(line + '\n');
    },
  };
}

test('chat-server relays each line to every other client and tells them when it goes down', async () => {
  const s = (server = await ServerProcess.start({ script: example('chat-server') }));
  const sockets = [await connectOne(s.port), await connectOne(s.port), await connectOne(s.port)];
  const [alice, bob, carol] = sockets.map(chatClient);
  for (const c of [alice, bob, carol]) await c.until('Your name: ');
  // One at a time: a client is subscribed once the server has logged its "joined" line.
  for (const [c, name] of [[alice, 'alice'], [bob, 'bob'], [carol, 'carol']] as const) {
    c.say(name);
    await s.waitForLine((l) => l.endsWith(`published "${name} joined\\n"`));
  }
  await alice.until('carol joined');
  await bob.until('carol joined');
  expect(alice.text).toContain('bob joined');
  alice.say('hi all');
  await bob.until('alice: hi all\n');
  await carol.until('alice: hi all\n');
  bob.say('hello alice');
  await alice.until('bob: hello alice\n');
  await carol.until('bob: hello alice\n');
  // Nobody hears their own lines.
  expect(alice.text).not.toContain('alice: hi all');
  expect(bob.text).not.toContain('bob: hello alice');

  const closed = sockets.map((socket) => once(socket, 'close'));
  expect(await s.stop('SIGTERM')).toEqual({ code: 143, signal: null });
  await Promise.all(closed);
  for (const c of [alice, bob, carol]) expect(c.text).toContain('SERVER IS GOING DOWN!\n');
});

/** Runs an example script to its end; resolves with its exit status and output. */
function runToEnd(script: string, args: readonly string[]): Promise<ExitStatus & { stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: WORKSPACE_ROOT, env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

test('channel-consumer gets the producer\'s ten items and the sentinel; a consumer with the wrong authkey is turned away', async () => {
  const producer = (server = await ServerProcess.start({
    script: example('channel-producer'),
    ready: (l) => l.startsWith('Producer waiting for a consumer'),
  }));
  const port = String(producer.port);

  const intruder = await runToEnd(example('channel-consumer'), [port, '--authkey=not-the-key']);
  expect(intruder.code).toBe(1);
  expect(intruder.stderr).toContain('AuthenticationError');
  expect(intruder.stdout).not.toContain('Got:');

  const consumer = await runToEnd(example('channel-consumer'), [port]);
  expect(consumer.code).toBe(0);
  const expected = Array.from({ length: 10 }, (_, i) => `Got: { item: ${i}, squared: ${i * i} }`);
  expect(consumer.stdout.trim().split('\n')).toEqual([...expected, 'Consumer done']);
  expect(await producer.exited).toEqual({ code: 0, signal: null });
  expect(producer.lines).toContain('Producer done');
});
