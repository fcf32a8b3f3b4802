/**
 * The examples' command lines read through `node:util` `parseArgs`: bad flags are refused
 * with a message naming them, the program's usage line and exit status 2, never taken as
 * a default or a zero; values containing `=` are kept whole.
 */
import { spawnSync } from 'node:child_process';
import { CHILD_ENV, example, ServerProcess, WORKSPACE_ROOT } from '../src/server-process.js';

jest.setTimeout(120_000);

/**
 * Runs a built example to its end. A program that took a bad argument for a good one
 * would go on serving: the generous kill makes that a failed assertion, not a hung run.
 */
function runExample(name: string, args: readonly string[]) {
  return spawnSync(process.execPath, [example(name), ...args], { cwd: WORKSPACE_ROOT, env: CHILD_ENV, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
}

/** Asserts the example refused its arguments: status 2, `message` and its usage line on stderr. */
function expectRefused(name: string, args: readonly string[], message: string | RegExp) {
  const r = runExample(name, args);
  expect({ status: r.status, signal: r.signal }).toEqual({ status: 2, signal: null });
  if (typeof message === 'string') expect(r.stderr).toContain(message);
  else expect(r.stderr).toMatch(message);
  expect(r.stderr).toContain(`usage: ${name}.js`);
  expect(r.stdout).toBe('');
}

test('run-with-timeout refuses --timeout= (empty) instead of taking it as 0', () => {
  const r = runExample('run-with-timeout', ['--timeout=', '--', 'true']);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain("--timeout expects a number of milliseconds >= 0, got ''");
});

test('run-with-timeout refuses --timeout=abc, naming the flag', () => {
  const r = runExample('run-with-timeout', ['--timeout=abc', '--', 'true']);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain("--timeout expects a number of milliseconds >= 0, got 'abc'");
});

test('run-with-timeout refuses an unknown flag', () => {
  const r = runExample('run-with-timeout', ['--timeuot=100', '--', 'true']);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/Unknown option '--timeuot'/);
});

test('run-with-timeout passes arguments containing = to the command whole', () => {
  const r = runExample('run-with-timeout', ['--timeout=5000', '--', 'echo', 'a=b=c']);
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('a=b=c\n');
});

const PROGRAMS = [
  'echo-server', 'echo-server-highlevel', 'fib-server', 'udp-echo', 'unix-echo', 'graceful-server', 'chat-server', 'echo-cluster',
  'channel-producer', 'channel-consumer', 'tls-echo-server', 'tls-echo-client', 'pipeline', 'thread-queue', 'http-server', 'http-get',
];

test.each(PROGRAMS)('%s refuses an unknown flag, naming it, with its usage line', (name) => {
  expectRefused(name, ['--no-such-flag'], "Unknown option '--no-such-flag'");
});

test.each(['echo-server', 'graceful-server', 'channel-producer', 'echo-cluster', 'tls-echo-server'])('%s refuses an argument after PORT', (name) => {
  expectRefused(name, ['25000', 'extra'], "unexpected argument 'extra'");
});

test.each([
  ['echo-server', ['70000'], "PORT expects a port number (0-65535), got '70000'"],
  ['fib-server', [''], "PORT expects a port number (0-65535), got ''"],
  ['tls-echo-client', ['127.0.0.1', 'https'], "PORT expects a port number (0-65535), got 'https'"],
  ['echo-cluster', ['0', '--workers='], "--workers expects a whole number >= 1, got ''"],
  ['echo-cluster', ['0', '--workers=0'], "--workers expects a whole number >= 1, got '0'"],
  ['pipeline', ['1.5'], "N expects a whole number >= 1, got '1.5'"],
  ['thread-queue', ['0'], "COUNT expects a whole number >= 1, got '0'"],
  ['tls-echo-server', ['0', '--cert=cert.pem'], '--cert and --key go together'],
  ['http-server', ['abc'], "PORT expects a port number (0-65535), got 'abc'"],
  ['http-get', [], 'URL is missing'],
] as const)('%s %j is refused with a message naming the argument', (name, args, message) => {
  expectRefused(name, args, message);
});

test('a flag that needs a value refuses to go without one', () => {
  expectRefused('channel-consumer', ['--authkey'], "Option '--authkey <value>' argument missing");
});

test('channel-producer and channel-consumer keep an --authkey containing = whole', async () => {
  const producer = await ServerProcess.start({
    script: example('channel-producer'),
    args: (port) => [String(port), '--authkey=key=with=equals'],
    ready: (l) => l.startsWith('Producer waiting for a consumer'),
  });
  try {
    // The part before the first `=` is not the key: the producer turns this one away.
    const truncated = runExample('channel-consumer', [String(producer.port), '--authkey=key']);
    expect(truncated.status).toBe(1);
    expect(truncated.stderr).toContain('AuthenticationError');
    const whole = runExample('channel-consumer', [String(producer.port), '--authkey=key=with=equals']);
    expect(whole.status).toBe(0);
    expect(whole.stdout).toContain('Got: { item: 9, squared: 81 }');
    expect(await producer.exited).toEqual({ code: 0, signal: null });
  } finally {
    await producer.dispose();
  }
});
