/**
 * What the HTTP end-to-end tests share: the example HTTP server as its own process, its
 * `/stats` read over a connection of its own, raw HTTP over `node:net` for what a
 * well-behaved client never sends, and curl (installed when missing).
 * @packageDocumentation
 */
import { spawn } from 'node:child_process';
import { Agent, get, request, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { connectOne, HOST, pollUntil, waitUpTo } from './clients.js';
import { CHILD_ENV, example, ServerProcess, WORKSPACE_ROOT } from './server-process.js';
import { ensureCommand } from '../../tools/scripts/debian-command.cjs';

/** The built example HTTP server (`node examples/dist/http-server.js PORT [flags]`). */
export const HTTP_SERVER = example('http-server');

/** The built example HTTP client (`node examples/dist/http-get.js URL [--timeout=MS]`). */
export const HTTP_GET = example('http-get');

/** What `GET /` answers. */
export const HELLO = 'Hello, world!\n';

/** Starts the example HTTP server on port 0 with `flags` (`--headers-timeout=1000`, ...). */
export function startHttpServer(flags: readonly string[] = []): Promise<ServerProcess> {
  return ServerProcess.start({ script: HTTP_SERVER, args: (port) => [String(port), ...flags] });
}

/** The example server's `/stats` answer. */
export interface HttpStats {
  /** Handlers running (the one answering this request among them). */
  inFlight: number;
  /** Open connections (the one asking among them). */
  connections: number;
  /** Requests handled. */
  requests: number;
}

/** A whole response, as `node:http` read it. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * One request on a connection of its own (no agent, `Connection: close`), so it leaves no
 * pooled connection behind to show up in the server's counts.
 */
export function httpRequest(port: number, method: string, path: string, body?: Uint8Array, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: HOST, port, method, path, agent: false, headers: { connection: 'close', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The server's `/stats`, asked over a connection of its own (which counts as one, with its handler in flight). */
export async function httpStats(port: number): Promise<HttpStats> {
  const answer = await httpRequest(port, 'GET', '/stats');
  if (answer.status !== 200) throw new Error(`/stats answered ${answer.status}: ${answer.body.toString()}`);
  return JSON.parse(answer.body.toString()) as HttpStats;
}

/**
 * Polls `/stats` until `done(stats)` holds or `attempts` polls have been made,
 * `intervalMs` apart; returns the last stats either way (the caller asserts).
 */
export function httpStatsWhen(port: number, done: (s: HttpStats) => boolean, attempts = 100, intervalMs = 100): Promise<HttpStats> {
  return pollUntil(() => httpStats(port), done, attempts, intervalMs);
}

/** A response on a keep-alive connection of its own, and that connection's close. */
export interface KeptAlive {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  socket: Socket;
  /** Settles when the connection closes (whoever closes it). */
  closed: Promise<void>;
}

/** `GET path` through a keep-alive agent of its own: the connection stays open after the answer unless the server closes it. */
export function keepAliveGet(port: number, path: string): Promise<KeptAlive> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return new Promise((resolve, reject) => {
    const req = get({ host: HOST, port, path, agent }, (res) => {
      const socket = res.socket;
      const closed = new Promise<void>((done) => (socket.destroyed ? done() : socket.once('close', () => done())));
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, socket, closed }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** What a raw connection saw, from its start to its close. */
export interface RawExchange {
  /** Every byte the server sent. */
  received: Buffer;
  /** The server ended its side (EOF) or the connection closed. */
  closed: boolean;
  /** The socket error code, if there was one (a reset is one). */
  error: string | null;
}

/** A raw connection that collects what the server sends until the connection closes. */
export class RawConnection {
  private readonly chunks: Buffer[] = [];
  private errorCode: string | null = null;
  private closedFlag = false;
  /** Settles when the connection has closed. */
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.chunks.push(d));
    socket.on('error', (e: NodeJS.ErrnoException) => (this.errorCode ??= e.code ?? e.message));
    this.closed = new Promise((resolve) => socket.once('close', () => ((this.closedFlag = true), resolve())));
  }

  /** Connects to 127.0.0.1:`port`. */
  static async open(port: number): Promise<RawConnection> {
    return new RawConnection(await connectOne(port));
  }

  /** What the server has sent so far. */
  get received(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** Resolves once what the server sent contains `text` (true), or the connection closed without it (false). */
  waitFor(text: string): Promise<boolean> {
    return new Promise((resolve) => {
      const check = () => {
        const found = this.received.includes(text);
        if (!found && !this.closedFlag) return;
        this.socket.off('data', check).off('close', check);
        resolve(found);
      };
      // Registered after the constructor's listeners, so `received` and the closed flag are up to date here.
      this.socket.on('data', check).on('close', check);
      check();
    });
  }

  /**
   * Waits for the connection to close, but at most `ms` (a server that keeps it open is
   * then reported as not closed, rather than running into jest's timeout).
   */
  async result(ms = 20_000): Promise<RawExchange> {
    await waitUpTo(ms, this.closed);
    return { received: this.received, closed: this.closedFlag, error: this.errorCode };
  }
}

/** Sends `bytes` on a new connection (leaving our side open) and returns what came back by the time the server closed it. */
export async function rawExchange(port: number, bytes: string | Uint8Array): Promise<RawExchange> {
  const conn = await RawConnection.open(port);
  conn.socket.write(bytes);
  return conn.result();
}

/** The status code of a raw response's status line, or null if there is none. */
export function statusOf(raw: Buffer | string): number | null {
  const m = /^HTTP\/1\.[01] (\d{3}) /.exec(raw.toString('latin1'));
  return m === null ? null : Number(m[1]);
}

/** What a finished command printed and how it exited. */
export interface CommandResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs `command args` to its end in the workspace root (asynchronously: the test process serves meanwhile). */
export function runCommand(command: string, args: readonly string[]): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: WORKSPACE_ROOT, env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
  });
}

/** The curl binary, installed from Debian's `curl` package first when missing (tools/scripts/debian-command.cjs). */
export function ensureCurl(): string {
  return ensureCommand('curl');
}
