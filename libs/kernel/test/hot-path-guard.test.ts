/**
 * A structural guard on the kernel's hot paths, not a timing: a child process works
 * spawn+join (named functions and inline closures) and queue ping-pong on the built
 * kernel, then V8 says whether `step`, the generator resume and the queue operations are
 * optimized by TurboFan and stayed so, and async_hooks count the promises 1,000 queue
 * round trips made. A change that makes a hot path fall back to a slow one (a deopt as the
 * kind of task body changes, a function V8 gives up on, a promise per put or get) fails
 * here. `nx test @curio/kernel` builds the kernel first; by hand, run
 * `npx tsc -b libs/kernel/tsconfig.lib.json` before jest.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

interface GuardReport {
  rounds: number;
  statuses: Record<string, number>;
  settled: boolean;
  promisesPerBurst: number;
}

// V8's OptimizationStatus bits.
const OPTIMIZED = 1 << 4;
const TURBOFANNED = 1 << 6;
const MAYBE_DEOPTED = 1 << 3;

let report: GuardReport;
beforeAll(() => {
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', join(__dirname, 'fixtures/hot-path.mjs')], { encoding: 'utf8' });
  report = JSON.parse(out) as GuardReport;
});

test('step, the generator resume and Queue put/get are optimized by TurboFan after named, closure and queue workloads, and stay so', () => {
  const flags = Object.fromEntries(Object.entries(report.statuses).map(([name, status]) => [name, { optimized: (status & OPTIMIZED) !== 0, turbofanned: (status & TURBOFANNED) !== 0, maybeDeopted: (status & MAYBE_DEOPTED) !== 0 }]));
  const expected = { optimized: true, turbofanned: true, maybeDeopted: false };
  expect(flags).toEqual({ step: expected, resumeNext: expected, put: expected, get: expected });
  expect(report.settled).toBe(true);
});

test('1,000 queue ping-pong round trips between two tasks create no promise', () => {
  expect(report.promisesPerBurst).toBe(0);
});
