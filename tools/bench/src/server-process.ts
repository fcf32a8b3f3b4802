/**
 * Server processes for the network benchmarks (echo, TLS, workers): pick a free port,
 * start a server script and wait for its `Server listening at` line, stop it again.
 * @packageDocumentation
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

/** A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not pick a free port');
  return address.port;
}

/**
 * Runs `cmd args` and resolves once it prints a line starting with `Server listening at`;
 * rejects, naming `label` and the first line of its stderr, if it exits before that.
 */
export async function startListeningServer(label: string, cmd: string, args: readonly string[]): Promise<ChildProcess> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  // The line reader keeps draining stdout ('Connection from ...') so the server never blocks on it.
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${label} server exited (${code}) before listening: ${stderr.trim().split('\n')[0] ?? ''}`));
    child.once('exit', onExit);
    lines.on('line', (line) => {
      if (line.startsWith('Server listening at')) {
        child.off('exit', onExit);
        resolve();
      }
    });
  });
  return child;
}

/** Stops a server with SIGTERM (SIGKILL if it is still there after `killAfterMs`). */
export async function stopServer(child: ChildProcess, killAfterMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await exited;
  clearTimeout(timer);
}

/**
 * `items` rotated left by `by` places: the order in which round (or turn) `by` runs its
 * servers. Each server takes each place in turn, so none always runs right after the others (a
 * server that follows 1,000 connections being torn down shares the machine with the
 * kernel's clean-up of them).
 */
export function rotated<T>(items: readonly T[], by: number): T[] {
  const k = items.length === 0 ? 0 : by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** One round of a side-by-side benchmark. */
export interface BenchRound {
  /** For progress lines: `round 3`, or `warm-up round`. */
  label: string;
  /** False for a warm-up round: run and shown, its results not kept. */
  counted: boolean;
  /** How far the servers' order is rotated in this round (see {@link rotated}). */
  rotation: number;
}

/**
 * The rounds of a benchmark: `warmupRounds` warm-up rounds, then rounds 1..`rounds`.
 * Warm-up rounds exist because the first half-minute of a run on these machines is slower
 * for every server; counted, it would go against whichever server the rotation put first.
 */
export function benchRounds(rounds: number, warmupRounds: number): BenchRound[] {
  const warmups = Array.from({ length: warmupRounds }, (_, i) => ({ label: 'warm-up round', counted: false, rotation: i }));
  const counted = Array.from({ length: rounds }, (_, i) => ({ label: `round ${i + 1}`, counted: true, rotation: i }));
  return [...warmups, ...counted];
}
