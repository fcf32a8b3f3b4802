/**
 * Server processes for the network benchmarks (echo, TLS, workers): start a server
 * script on port 0, wait for its `Server listening at` line and read the port it bound
 * there (no probed free port, which another process could take first), stop it again.
 * @packageDocumentation
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/** A server process and the port it said it bound. */
export interface ListeningServer {
  process: ChildProcess;
  port: number;
  /** What it has printed on stderr so far. */
  stderr(): string;
}

/** The port of a `Server listening at ('0.0.0.0', 51234)` line; null for any other line. */
export function listeningPort(line: string): number | null {
  const m = /^Server listening at \('[^']*', (\d+)\)/.exec(line);
  return m === null ? null : Number(m[1]);
}

/**
 * Runs `cmd args` (a server told to listen on port 0) and resolves once it prints its
 * `Server listening at` line, with the port named there; rejects, naming `label` and the
 * first line of its stderr, if it exits before that.
 */
export async function startListeningServer(label: string, cmd: string, args: readonly string[]): Promise<ListeningServer> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  // The line reader keeps draining stdout ('Connection from ...') so the server never blocks on it.
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${label} server exited (${code}) before listening: ${stderr.trim().split('\n')[0] ?? ''}`));
    child.once('exit', onExit);
    lines.on('line', (line) => {
      const bound = listeningPort(line);
      if (bound !== null) {
        child.off('exit', onExit);
        resolve(bound);
      }
    });
  });
  return { process: child, port, stderr: () => stderr };
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
