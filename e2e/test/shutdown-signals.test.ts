/**
 * main()'s second signal, with real signals to a real process: a SIGTERM repeated within a
 * second is the same request (a wrapper such as `npm start` forwards SIGTERM while the
 * process group receives it too), so the cleanup still runs to its end; a SIGTERM a second
 * later, or Ctrl-C pressed twice, forces the exit without waiting for the cleanup.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CHILD_ENV, WORKSPACE_ROOT } from '../src/server-process.js';

jest.setTimeout(60_000);

/** A program under main() whose cleanup takes `cleanupMs` and says when it starts and ends. */
const PROGRAM = (cleanupMs: number) => `
import { main, sleep } from 'curio';
main(function* () {
  try {
    console.log('ready');
    yield* sleep(1e9);
  } finally {
    console.log('cleanup started');
    yield* sleep(${cleanupMs});
    console.log('cleanup done');
  }
});
`;

interface Ended {
  code: number | null;
  lines: string[];
  stderr: string;
}

/** Starts the program; calls `onReady` once it waits in its try block and `onCleanup` once its cleanup started, with its pid. */
function runProgram(cleanupMs: number, onReady: (pid: number) => void, onCleanup: (pid: number) => void = () => {}): Promise<Ended> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', PROGRAM(cleanupMs)], { cwd: `${WORKSPACE_ROOT}/e2e`, env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    if (line === 'ready') onReady(child.pid!);
    if (line === 'cleanup started') onCleanup(child.pid!);
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, lines, stderr })));
}

test('a SIGTERM repeated within a second (a forwarding wrapper and the process group): the cleanup still runs to its end', async () => {
  // The repeat comes once the first was handled (two sent at once would merge into one).
  const ended = await runProgram(
    500,
    (pid) => process.kill(pid, 'SIGTERM'),
    (pid) => process.kill(pid, 'SIGTERM'),
  );
  expect(ended).toEqual({ code: 143, lines: ['ready', 'cleanup started', 'cleanup done'], stderr: '' });
});

test('a SIGTERM more than a second after the first forces the exit, without waiting for the cleanup', async () => {
  const ended = await runProgram(
    30_000,
    (pid) => process.kill(pid, 'SIGTERM'),
    (pid) => setTimeout(() => process.kill(pid, 'SIGTERM'), 1200),
  );
  expect(ended).toEqual({ code: 143, lines: ['ready', 'cleanup started'], stderr: 'main(): SIGTERM during shutdown, exiting without waiting for cleanup\n' });
});

test('Ctrl-C twice, however quickly, forces the exit', async () => {
  const ended = await runProgram(30_000, (pid) => process.kill(pid, 'SIGINT'), (pid) => process.kill(pid, 'SIGINT'));
  expect(ended).toEqual({ code: 130, lines: ['ready', 'cleanup started'], stderr: 'main(): SIGINT during shutdown, exiting without waiting for cleanup\n' });
});
