/**
 * A built example server run as its own Node process: start it on port 0, wait for its
 * `Server listening at` line (which names the port it bound), read its output, ask it for
 * a `stats` line (SIGUSR2), signal it and wait for its exit.
 * @packageDocumentation
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pollUntil } from './clients.js';
import type { ServerStats } from '../../examples/src/support/server-main.js';

/** The workspace root (this file is `e2e/src/server-process.ts`). */
export const WORKSPACE_ROOT = resolve(__dirname, '../..');

/** A built example script, by file name (`'echo-server'`). */
export function example(name: string): string {
  return join(WORKSPACE_ROOT, 'examples/dist', `${name}.js`);
}

/**
 * The environment for example processes: the test's own, without forced colours (Nx sets
 * FORCE_COLOR, which would put escape codes in the lines the tests read).
 */
export const CHILD_ENV: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };

/** The built seed echo server. */
export const ECHO_SERVER = example('echo-server');

/** The server's `stats {...}` line, as the example servers print it. */
export type { ServerStats };

/** How a process ended. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * The port a line names: `('0.0.0.0', 51234)` (formatAddress of the examples), `port
 * 51234` or `127.0.0.1:51234`; null if it names none.
 */
export function portNamedIn(line: string): number | null {
  const m = /\('[^']*', (\d+)\)|\bport (\d+)\b|\b\d{1,3}(?:\.\d{1,3}){3}:(\d+)\b/.exec(line);
  return m === null ? null : Number(m[1] ?? m[2] ?? m[3]);
}

/** Options of {@link ServerProcess.start}. */
export interface StartOptions {
  /** The server script (default: the built seed echo server). */
  script?: string;
  /**
   * The script's arguments, given the port to ask for: always 0, the server picks one
   * and says which (default: just the port).
   */
  args?: (port: number) => readonly string[];
  /** Options for node itself, before the script (e.g. `--expose-gc`). */
  nodeArgs?: readonly string[];
  /** Extra environment variables for the server (e.g. `CURIO_MONITOR`). */
  env?: NodeJS.ProcessEnv;
  /** The line that says the server is ready (default: it starts with `Server listening at`). */
  ready?: (line: string) => boolean;
}

type LineWaiter = { predicate: (line: string) => boolean; resolve: (line: string) => void; from: number };

/** A running server process. */
export class ServerProcess {
  /** Every line it printed on stdout so far. */
  readonly lines: string[] = [];
  /** Everything it printed on stderr so far. */
  stderr = '';
  /** Settles when the process has exited and its stdout and stderr are read to the end. */
  readonly exited: Promise<ExitStatus>;
  private status: ExitStatus | null = null;
  private waiters: LineWaiter[] = [];
  /** Running counts of lines by prefix, for the prefixes asked about. */
  private readonly counts = new Map<string, number>();
  private countWaiters: Array<() => void> = [];

  /** The port the server said it bound, in or before its ready line. */
  private boundPort: number | null = null;

  private constructor(readonly child: ChildProcess) {
    // Always drain stdout: a server blocked on a full pipe would look like a hung server.
    createInterface({ input: child.stdout! }).on('line', (line) => this.onLine(line));
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    child.once('exit', (code, signal) => (this.status = { code, signal }));
    // 'close', not 'exit': by then stdout is read to its end, so `lines` holds every line
    // the server printed ('exit' can come while its last lines are still in the pipe).
    this.exited = new Promise((done) => child.once('close', (code, signal) => done((this.status ??= { code, signal }))));
  }

  /**
   * Starts `node ...nodeArgs <script> 0` (or other arguments, see {@link StartOptions})
   * and resolves once it prints its ready line; {@link ServerProcess.port} is then the
   * port it bound. Port 0 cannot race with other processes, as a probed free port can.
   */
  static async start(options: StartOptions = {}): Promise<ServerProcess> {
    const script = options.script ?? ECHO_SERVER;
    if (!existsSync(script)) throw new Error(`${script} is missing: build the examples first (npx nx run @curio/examples:build)`);
    const argv = [...(options.nodeArgs ?? []), script, ...(options.args ?? ((p: number) => [String(p)]))(0)];
    const child = spawn(process.execPath, argv, { cwd: WORKSPACE_ROOT, env: { ...CHILD_ENV, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new ServerProcess(child);
    const ready = server.waitForLine(options.ready ?? ((l) => l.startsWith('Server listening at')));
    const outcome = await Promise.race([ready.then(() => 'ready' as const), server.exited.then(() => 'exited' as const)]);
    if (outcome === 'exited') throw new Error(`server exited before listening (${JSON.stringify(server.status)}): ${server.stderr.trim()}`);
    // A cluster's workers say their port before the primary's ready line: the first named
    // counts. The monitor's address comes before the server starts: it is not the server's.
    for (const line of server.lines) if (!line.startsWith('Monitor listening at') && (server.boundPort = portNamedIn(line)) !== null) break;
    return server;
  }

  /** The port the server bound (it names it in or before its ready line). */
  get port(): number {
    if (this.boundPort === null) throw new Error(`the server named no port before it was ready: ${JSON.stringify(this.lines)}`);
    return this.boundPort;
  }

  /** The process id. */
  get pid(): number {
    return this.child.pid!;
  }

  /** True once the process has exited. */
  get hasExited(): boolean {
    return this.status !== null;
  }

  /** Resolves with the first line (at index >= `from`) that satisfies `predicate`. */
  waitForLine(predicate: (line: string) => boolean, from = 0): Promise<string> {
    for (let i = from; i < this.lines.length; i++) if (predicate(this.lines[i])) return Promise.resolve(this.lines[i]);
    return new Promise((resolve) => this.waiters.push({ predicate, resolve, from }));
  }

  /** How many stdout lines so far start with `prefix`. */
  count(prefix: string): number {
    let n = this.counts.get(prefix);
    if (n === undefined) {
      n = this.lines.filter((l) => l.startsWith(prefix)).length;
      this.counts.set(prefix, n);
    }
    return n;
  }

  /** Resolves once the server has printed `Connection from` `n` times (see {@link AcceptCounter}). */
  waitForAccepted(n: number): Promise<void> {
    return this.waitForCount('Connection from', n);
  }

  /** Resolves once at least `n` stdout lines start with `prefix`. */
  async waitForCount(prefix: string, n: number): Promise<void> {
    while (this.count(prefix) < n) await new Promise<void>((resolve) => this.countWaiters.push(resolve));
  }

  /** Asks the server for a stats line (SIGUSR2) and returns it parsed. */
  async stats(): Promise<ServerStats> {
    const from = this.lines.length;
    const line = this.waitForLine((l) => l.startsWith('stats '), from);
    this.child.kill('SIGUSR2');
    return JSON.parse((await line).slice('stats '.length)) as ServerStats;
  }

  /**
   * Polls {@link ServerProcess.stats} until `done(stats)` holds or `attempts` polls have
   * been made, `intervalMs` apart; returns the last stats either way (the caller asserts).
   */
  statsWhen(done: (s: ServerStats) => boolean, attempts = 100, intervalMs = 100): Promise<ServerStats> {
    return pollUntil(() => this.stats(), done, attempts, intervalMs);
  }

  /** Sends `signal` and waits for the process to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitStatus> {
    if (this.status === null) this.child.kill(signal);
    return this.exited;
  }

  /** Kills the process if it is still running (for afterEach/afterAll). */
  async dispose(): Promise<void> {
    if (this.status === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  private onLine(line: string): void {
    const index = this.lines.push(line) - 1;
    for (const [prefix, n] of this.counts) if (line.startsWith(prefix)) this.counts.set(prefix, n + 1);
    if (this.countWaiters.length > 0) {
      const wake = this.countWaiters;
      this.countWaiters = [];
      for (const w of wake) w();
    }
    const still: LineWaiter[] = [];
    for (const w of this.waiters) {
      if (index >= w.from && w.predicate(line)) w.resolve(line);
      else still.push(w);
    }
    this.waiters = still;
  }
}
