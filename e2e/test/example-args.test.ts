/**
 * The examples' command lines read through `node:util` `parseArgs`: bad flags are refused
 * with a message naming them and a non-zero exit, never taken as a default or a zero.
 */
import { spawnSync } from 'node:child_process';
import { CHILD_ENV, example, WORKSPACE_ROOT } from '../src/server-process.js';

function runWithTimeout(args: readonly string[]) {
  return spawnSync(process.execPath, [example('run-with-timeout'), ...args], { cwd: WORKSPACE_ROOT, env: CHILD_ENV, encoding: 'utf8' });
}

test('run-with-timeout refuses --timeout= (empty) instead of taking it as 0', () => {
  const r = runWithTimeout(['--timeout=', '--', 'true']);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain("--timeout expects a number of milliseconds >= 0, got ''");
});

test('run-with-timeout refuses --timeout=abc, naming the flag', () => {
  const r = runWithTimeout(['--timeout=abc', '--', 'true']);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain("--timeout expects a number of milliseconds >= 0, got 'abc'");
});

test('run-with-timeout refuses an unknown flag', () => {
  const r = runWithTimeout(['--timeuot=100', '--', 'true']);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/Unknown option '--timeuot'/);
});

test('run-with-timeout passes arguments containing = to the command whole', () => {
  const r = runWithTimeout(['--timeout=5000', '--', 'echo', 'a=b=c']);
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('a=b=c\n');
});
