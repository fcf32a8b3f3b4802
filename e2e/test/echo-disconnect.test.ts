/**
 * Clients that vanish mid-stream: the seed's echo server (its own process) keeps serving
 * everyone else, and every connection task and socket of the vanished clients is gone
 * afterwards (read from the server's `stats` line, SIGUSR2).
 */
import type { Socket } from 'node:net';
import { connectMany, connectOne, echoExchange, RandomPool, type EchoResult } from '../src/clients.js';
import { ServerProcess } from '../src/server-process.js';

jest.setTimeout(300_000);

const BYTES = 1024 * 1024;
const GOOD = 20;
const PER_KIND = 50;

/** Ways of leaving in the middle of a stream. Each resolves once the socket is closed. */
const abrupt: Record<string, (socket: Socket, data: Buffer) => Promise<void>> = {
  /** Sends, reads a little of the echo, then resets the connection (RST). */
  reset: (socket, data) =>
    new Promise((resolve) => {
      let received = 0;
      socket.on('data', (d: Buffer) => {
        received += d.length;
        if (received >= 64 * 1024 && !socket.destroyed) socket.resetAndDestroy();
      });
      socket.on('error', () => {});
      socket.on('close', () => resolve());
      socket.write(data.subarray(0, 256 * 1024));
    }),
  /** Floods half a MiB and closes at the first echoed byte, with unread data (the kernel resets). */
  destroy: (socket, data) =>
    new Promise((resolve) => {
      socket.once('data', () => socket.destroy());
      socket.on('error', () => {});
      socket.on('close', () => resolve());
      socket.write(data.subarray(0, 512 * 1024));
    }),
  /**
   * Sends, half-closes and goes away without reading a byte of the echo (64 KiB: little
   * enough that the unread echo fits in the socket buffers, so the send always completes).
   */
  leave: (socket, data) =>
    new Promise((resolve) => {
      socket.pause();
      socket.on('error', () => {});
      socket.on('close', () => resolve());
      socket.end(data.subarray(0, 64 * 1024), () => socket.destroy());
    }),
  /** Connects and closes at once, sending nothing. */
  vanish: (socket) =>
    new Promise((resolve) => {
      socket.on('error', () => {});
      socket.on('close', () => resolve());
      socket.destroy();
    }),
};
const KINDS = Object.keys(abrupt);
const ABRUPT = KINDS.length * PER_KIND;

let server: ServerProcess;

beforeAll(async () => {
  server = await ServerProcess.start();
});

afterAll(async () => {
  await server.dispose();
});

test('clients that disconnect mid-stream do not disturb the others and leave no connection task or socket behind', async () => {
  const pool = new RandomPool(BYTES);
  const sockets = await connectMany(server.port, GOOD + ABRUPT, server);
  const good = sockets.slice(0, GOOD).map((s, i) => echoExchange(s, pool.window(i)));
  const gone = sockets.slice(GOOD).map((s, i) => abrupt[KINDS[i % KINDS.length]](s, pool.window(GOOD + i)));
  const results: EchoResult[] = await Promise.all(good);
  await Promise.all(gone);

  // Everyone who stayed got a perfect echo.
  for (const r of results) expect(r).toEqual({ sent: BYTES, received: BYTES, mismatchAt: null, sawEnd: true, error: null });

  // Every connection task has ended: only the accept loop is left, and no connection socket.
  const stats = await server.statsWhen((s) => s.tasks === 1 && s.sockets === 0);
  expect(stats.byName).toEqual({ echoServer: 1 });
  expect(stats.sockets).toBe(0);
  expect(stats.listeners).toBe(1);
  expect(stats.created).toBe(1 + GOOD + ABRUPT);
  // Each connection task either finished its loop ('Connection closed') or ended with the
  // error its vanished peer caused: none is unaccounted for.
  expect(server.count('Connection closed') + stats.crashed).toBe(GOOD + ABRUPT);

  // And the server still serves.
  expect(await echoExchange(await connectOne(server.port), pool.window(999))).toEqual({ sent: BYTES, received: BYTES, mismatchAt: null, sawEnd: true, error: null });
});
