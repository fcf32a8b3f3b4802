/**
 * What the signal tests share: sending a real signal to this (jest's) process, and a
 * count of what a watcher may leave behind (process listeners of the signals the tests
 * use, and the waits and timer holding the process open), checked before and after
 * every test of a file that calls {@link checkNothingLeftBehind}.
 */
import { keepAliveState } from '../src/keep-alive.js';

const SIGNALS = ['SIGUSR2', 'SIGHUP', 'SIGWINCH'] as const;

/** Listeners per signal, and the keep-alive's waits and timer. */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const signal of SIGNALS) counts[signal] = process.listenerCount(signal);
  const keepAlive = keepAliveState();
  counts.waits = keepAlive.waits;
  counts.timer = keepAlive.timer ? 1 : 0;
  return counts;
}

/** Registers a beforeEach/afterEach pair asserting each test leaves the counts as it found them. */
export function checkNothingLeftBehind(): void {
  let before: Record<string, number>;
  beforeEach(() => (before = resources()));
  afterEach(() => expect(resources()).toEqual(before));
}

/** Sends `signal` to this process. */
export const send = (signal: NodeJS.Signals): boolean => process.kill(process.pid, signal);
