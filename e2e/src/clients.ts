/**
 * Echo clients for the end-to-end tests, written with plain `node:net` in the test
 * process, always to 127.0.0.1. Each checks the echo byte for byte and keeps a bounded
 * amount of data in flight, so a thousand of them stay light on a small machine.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** The only address the tests talk to. */
export const HOST = '127.0.0.1';

/** What {@link connectMany} needs to know about the server: how many connections it has accepted. */
export interface AcceptCounter {
  /** Resolves once the server has accepted at least `n` connections. */
  waitForAccepted(n: number): Promise<void>;
}

/**
 * Opens `count` connections, never letting more than `unaccepted` of them wait for the
 * server to accept them: the seed's server listens with a backlog of 5, and a full
 * accept queue drops SYNs, which costs a second per retransmission.
 */
export async function connectMany(port: number, count: number, server: AcceptCounter, unaccepted = 4): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i++) {
    await server.waitForAccepted(i + 1 - unaccepted);
    sockets.push(await connectOne(port));
  }
  return sockets;
}

/**
 * One connection to 127.0.0.1:`port`. It keeps a do-nothing `'error'` listener, so a
 * reset that arrives before the test attaches its own cannot crash the test process.
 */
export function connectOne(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: HOST, port });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve(socket);
    });
  });
}

/**
 * Random test data without a gigabyte of it: one random pool, each client reading its
 * own window of it (so every client's bytes are random and differ from its neighbours').
 */
export class RandomPool {
  private readonly pool: Buffer;

  constructor(
    readonly windowSize: number,
    poolSize = 4 * windowSize,
  ) {
    this.pool = randomBytes(poolSize);
  }

  /** Client `i`'s `windowSize` random bytes. */
  window(i: number): Buffer {
    const span = this.pool.length - this.windowSize;
    const offset = (i * 2_971_213) % (span + 1);
    return this.pool.subarray(offset, offset + this.windowSize);
  }
}

/** How an echo exchange went. */
export interface EchoResult {
  /** Bytes sent. */
  sent: number;
  /** Bytes that came back. */
  received: number;
  /** Offset of the first echoed byte that differed from what was sent, or null. */
  mismatchAt: number | null;
  /** True if the server ended the connection (EOF) after our end. */
  sawEnd: boolean;
  /** The socket error code, if the connection failed. */
  error: string | null;
}

/** Options of {@link echoExchange}. */
export interface EchoOptions {
  /** Bytes per write (default 64 KiB). */
  chunk?: number;
  /** Most bytes sent and not yet echoed back (default 128 KiB). */
  window?: number;
}

/**
 * Sends all of `data` over `socket`, at most `window` bytes ahead of the echo, checks
 * each echoed byte against what was sent, then half-closes and waits for the server to
 * close its side. Resolves (never rejects) with what happened.
 */
export function echoExchange(socket: Socket, data: Buffer, options: EchoOptions = {}): Promise<EchoResult> {
  const chunk = options.chunk ?? 64 * 1024;
  const window = options.window ?? 128 * 1024;
  const result: EchoResult = { sent: 0, received: 0, mismatchAt: null, sawEnd: false, error: null };
  return new Promise((resolve) => {
    const pump = () => {
      while (result.sent < data.length && result.sent - result.received < window) {
        const end = Math.min(result.sent + chunk, data.length);
        socket.write(data.subarray(result.sent, end));
        result.sent = end;
      }
      if (result.sent === data.length && result.received === data.length && !socket.writableEnded) socket.end();
    };
    socket.on('data', (got: Buffer) => {
      const expected = data.subarray(result.received, result.received + got.length);
      if (result.mismatchAt === null && !got.equals(expected)) result.mismatchAt = result.received + firstDifference(got, expected);
      result.received += got.length;
      pump();
    });
    socket.on('end', () => (result.sawEnd = true));
    socket.on('error', (e: NodeJS.ErrnoException) => (result.error ??= e.code ?? e.message));
    socket.on('close', () => resolve(result));
    pump();
  });
}

/** Index of the first byte where `a` and `b` differ (or the shorter length). */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Reads with `read()` until `done(value)` holds or `attempts` reads have been made,
 * `intervalMs` apart; returns the last value either way (the caller asserts).
 */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, attempts = 100, intervalMs = 100): Promise<T> {
  let value = await read();
  for (let i = 1; i < attempts && !done(value); i++) {
    await delay(intervalMs);
    value = await read();
  }
  return value;
}

/**
 * Waits for `promise`, but at most `ms` milliseconds: resolves with its value, or with
 * `'still waiting'`, so a test can report a hang instead of running into jest's timeout.
 */
export async function waitUpTo<T>(ms: number, promise: Promise<T>): Promise<T | 'still waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'still waiting'>((resolve) => (timer = setTimeout(() => resolve('still waiting'), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
