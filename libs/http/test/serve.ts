// Test helpers: serveHttp running in a kernel of its own on 127.0.0.1 (its crash reports
// collected), and raw node:net clients that send exact bytes and read exact replies.
import net from 'node:net';
import { awaitPromise, Kernel, spawn, type Activation } from '@curio/kernel';
import { HttpServerStats, serveHttp, type HttpHandler, type ServeHttpOptions } from '../src/index.js';

export interface Running {
  port: number;
  stats: HttpServerStats;
  /** What the kernel's crash reporter was given. */
  crashes: unknown[];
  kernel: Kernel;
  /** Cancels serveHttp (it drains) and waits for it to end. */
  stop(): Promise<void>;
}

/** Starts `serveHttp(handler, options)` on a free port, in a kernel with `activations`; resolves once it listens. */
export async function startServer(handler: HttpHandler, options: ServeHttpOptions = {}, activations: Activation[] = []): Promise<Running> {
  const crashes: unknown[] = [];
  const kernel = new Kernel({ crashReporter: (_task, error) => crashes.push(error), activations });
  const stats = options.stats ?? new HttpServerStats();
  let release!: () => void;
  const released = new Promise<void>((resolve) => { release = resolve; });
  let listening!: (port: number) => void;
  const ready = new Promise<number>((resolve) => { listening = resolve; });
  const finished = kernel.run(function* () {
    const server = yield* spawn(serveHttp, '127.0.0.1', 0, handler, { ...options, stats, onListening: ({ port }) => listening(port) });
    yield* awaitPromise(released);
    yield* server.cancel();
  });
  const port = await Promise.race([ready, finished.then(() => { throw new Error('serveHttp ended before listening'); })]);
  return { port, stats, crashes, kernel, stop: async () => { release(); await finished; } };
}

/** A raw connection: exact bytes out, everything received kept as latin1 text. */
export class RawClient {
  received = '';
  closed = false;
  readonly sock: net.Socket;
  private readonly ended: Promise<void>;
  private waiters: (() => void)[] = [];

  private constructor(sock: net.Socket) {
    this.sock = sock;
    sock.setEncoding('latin1');
    sock.on('data', (text: string) => { this.received += text; this.wake(); });
    sock.on('error', () => undefined);
    this.ended = new Promise((resolve) => sock.on('close', () => { this.closed = true; this.wake(); resolve(); }));
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1', () => resolve(new RawClient(sock)));
      sock.once('error', reject);
    });
  }

  send(text: string | Uint8Array): void {
    this.sock.write(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  }

  /** Waits until what was received matches `pattern` (or the connection closes: then throws). */
  async waitFor(pattern: RegExp): Promise<string> {
    for (;;) {
      const match = pattern.exec(this.received);
      if (match !== null) return match[0];
      if (this.closed) throw new Error(`closed before ${pattern} arrived; received ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Waits for the server to close the connection; returns everything received. */
  async untilClosed(): Promise<string> {
    await this.ended;
    return this.received;
  }

  close(): void {
    this.sock.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Sends `request` on a new connection and returns all the server sent before it closed. */
export async function exchange(port: number, request: string): Promise<string> {
  const client = await RawClient.connect(port);
  client.send(request);
  return client.untilClosed();
}

/** Splits a byte stream of responses at each status line. */
export function responses(text: string): string[] {
  return text.split(/(?=HTTP\/1\.1 \d{3} )/);
}

/** Drops the Date field (its value changes) so a response can be compared whole. */
export function withoutDate(text: string): string {
  return text.replace(/Date: [A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT\r\n/g, '');
}

export const GET = (path: string, extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;

/** The TCP handles Node has open (sockets and listeners). */
export function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap').length;
}

/** Waits until `check()` holds, looking every few ms (the test's own timeout is the backstop). */
export async function eventually(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}
