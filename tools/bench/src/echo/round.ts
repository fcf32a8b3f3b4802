/**
 * One round of the echo benchmark at one connection count, its windows interleaved.
 *
 * Every server of the round is started at once (a fresh process each, idle until its
 * turn), then measured in `windows` short windows taken in turns: A B C, B C A, C A B, ...
 * A server's result for the round is the sum of its windows. Measured one after another
 * instead (a whole round's time for one server, then the next), each server saw its own
 * stretch of the machine: on this shared 2-core VM the rate drifts by ±10% from one
 * half-minute to the next, moving every server alike, so single rounds compared servers
 * as much as stretches of time. Taken in turns, each server samples the same stretches.
 * @packageDocumentation
 */
import type { ChildProcess } from 'node:child_process';
import { rotated } from '../server-process.js';
import { loadResultOf, type LoadResult } from './load-result.js';
import { sum } from '../stats.js';

/** A server process of the round, idle until its turn. */
export interface RunningServer {
  port: number;
  process: ChildProcess;
}

/** What a round needs from the benchmark: how to start, measure and stop a server. */
export interface RoundSteps<S extends string> {
  start(server: S): Promise<RunningServer>;
  /** One measured window of `server` (which waits for a quiet machine and re-runs a disturbed window itself). */
  window(server: S, running: RunningServer): Promise<LoadResult>;
  stop(running: RunningServer): Promise<void>;
}

/**
 * Measures `servers` (in that order in the first turn, rotated by one place each turn
 * after) in `windows` turns; returns each server's windows combined, in the order given.
 * A server whose window fails is dropped from the rest of the round; the error is
 * reported through `failed`.
 */
export async function measureRound<S extends string>(
  servers: readonly S[],
  windows: number,
  steps: RoundSteps<S>,
  failed: (server: S, error: unknown) => void,
): Promise<Map<S, LoadResult>> {
  const running = new Map<S, RunningServer>();
  const measured = new Map<S, LoadResult[]>();
  try {
    for (const s of servers) {
      try {
        running.set(s, await steps.start(s));
        measured.set(s, []);
      } catch (error) {
        failed(s, error);
      }
    }
    for (let turn = 0; turn < windows; turn++) {
      for (const s of rotated(servers, turn)) {
        const server = running.get(s);
        if (server === undefined) continue;
        try {
          measured.get(s)!.push(await steps.window(s, server));
        } catch (error) {
          failed(s, error);
          running.delete(s);
          measured.delete(s);
          await steps.stop(server);
        }
      }
    }
  } finally {
    await Promise.all([...running.values()].map((r) => steps.stop(r)));
  }
  const combined = new Map<S, LoadResult>();
  for (const s of servers) {
    const ws = measured.get(s);
    if (ws !== undefined && ws.length > 0) combined.set(s, combineWindows(ws));
  }
  return combined;
}

/**
 * Several windows of one server as one result: the round trips, the time, the CPU used
 * and the failures summed, and the memory of the last window (the server's
 * longest-lived state).
 */
export function combineWindows(windows: readonly LoadResult[]): LoadResult {
  const last = windows[windows.length - 1];
  const total = (pick: (w: LoadResult) => number): number => sum(windows.map(pick));
  // The CPU milliseconds the windows' shares stand for; null if any window could not measure it.
  const cpuMs = (pick: (w: LoadResult) => number | null): number | null => {
    let ms = 0;
    for (const w of windows) {
      const share = pick(w);
      if (share === null) return null;
      ms += share * w.windowMs;
    }
    return ms;
  };
  return loadResultOf({
    connections: last.connections,
    size: last.size,
    requests: total((w) => w.requests),
    windowMs: total((w) => w.windowMs),
    loadgenMs: total((w) => w.loadgenCpu * w.windowMs),
    serverMs: cpuMs((w) => w.serverCpu),
    otherMs: cpuMs((w) => w.otherCpu),
    softirqMs: cpuMs((w) => w.softirqCpu),
    failures: total((w) => w.failures),
    serverRssKb: last.serverRssKb,
  });
}
