/**
 * The subprocess examples, each run as its own process: the pipeline and the command
 * runner with a timeout.
 */
import { spawn } from 'node:child_process';
import { CHILD_ENV, example, WORKSPACE_ROOT, type ExitStatus } from '../src/server-process.js';

jest.setTimeout(120_000);

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

test('pipeline runs seq | grep 7 and counts the matches', async () => {
  const r = await runToEnd(example('pipeline'), ['100000']);
  expect(r.code).toBe(0);
  expect(r.stdout.split('\n').slice(0, 5)).toEqual(['match: 7', 'match: 17', 'match: 27', 'match: 37', 'match: 47']);
  // 100000 minus the numbers of 1..100000 without a 7 (9^5 - 1 of 1..99999, and 100000 itself).
  expect(r.stdout).toContain(`numbers in 1..100000 containing a 7: ${100000 - (9 ** 5 - 1) - 1}\n`);
  expect(r.stdout).toContain('exit statuses: seq 0, grep 0\n');
  expect(r.stderr).toBe('');
});

test("run-with-timeout passes on the command's output and exit status", async () => {
  const r = await runToEnd(example('run-with-timeout'), ['--', 'sh', '-c', 'echo hi; echo oops >&2; exit 3']);
  expect(r.code).toBe(3);
  expect(r.stdout).toBe('hi\n[exit status 3]\n');
  expect(r.stderr).toBe('oops\n');
});

test('run-with-timeout stops a command that takes too long (even one ignoring SIGTERM): status 124', async () => {
  const r = await runToEnd(example('run-with-timeout'), ['--timeout=300', '--grace=200', '--', 'sh', '-c', "trap '' TERM; echo started; while :; do sleep 0.05; done"]);
  expect(r.code).toBe(124);
  expect(r.stdout).toBe('started\n[timed out after 300 ms: the command was terminated]\n');
});

test('run-with-timeout names a command that does not exist: status 127', async () => {
  const r = await runToEnd(example('run-with-timeout'), ['--', 'curio-no-such-command']);
  expect(r.code).toBe(127);
  expect(r.stderr).toContain("cannot run 'curio-no-such-command': not found in PATH (ENOENT)");
});
