/**
 * Shutting the seed's echo server (its own process) down under load: on SIGTERM or
 * SIGINT it cancels every task, closes every connection and exits with the conventional
 * status (143 after SIGTERM, 130 after SIGINT, from `main()`); no
 * client is left hanging, and what each client got back before the end is its own data.
 */
import type { Socket } from 'node:net';
import { connectMany, delay, firstDifference, RandomPool, waitUpTo } from '../src/clients.js';
import { ServerProcess } from '../src/server-process.js';

jest.setTimeout(300_000);

const CLIENTS = 200;
const MiB = 1024 * 1024;
/** Each client echoes this window of random data over and over until the server goes. */
const BYTES = MiB;
const WINDOW = 128 * 1024;

/** What a client saw when the server went away. */
interface Ending {
  /** The server ended the stream (EOF). */
  sawEnd: boolean;
  /** Or the connection failed with this code (a reset is fine too). */
  error: string | null;
  received: number;
  mismatchAt: number | null;
}

/** Echoes `data` round and round (at most WINDOW bytes ahead) until the connection closes. */
function echoUntilClosed(socket: Socket, data: Buffer, progress: (received: number) => void): Promise<Ending> {
  const ending: Ending = { sawEnd: false, error: null, received: 0, mismatchAt: null };
  let sent = 0;
  const pump = () => {
    while (!socket.writableEnded && !socket.destroyed && sent - ending.received < WINDOW) {
      const at = sent % BYTES;
      const end = Math.min(at + 64 * 1024, BYTES);
      socket.write(data.subarray(at, end));
      sent += end - at;
    }
  };
  return new Promise((resolve) => {
    socket.on('data', (got: Buffer) => {
      let offset = 0;
      while (offset < got.length) {
        const at = ending.received % BYTES;
        const n = Math.min(BYTES - at, got.length - offset);
        const piece = got.subarray(offset, offset + n);
        const expected = data.subarray(at, at + n);
        if (ending.mismatchAt === null && !piece.equals(expected)) ending.mismatchAt = ending.received + firstDifference(piece, expected);
        offset += n;
        ending.received += n;
      }
      progress(ending.received);
      pump();
    });
    socket.on('end', () => (ending.sawEnd = true));
    socket.on('error', (e: NodeJS.ErrnoException) => (ending.error ??= e.code ?? e.message));
    socket.on('close', () => resolve(ending));
    pump();
  });
}

let server: ServerProcess | null = null;

afterEach(async () => {
  await server?.dispose();
  server = null;
});

test.each([
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const)('%s under load: every client sees the end of its connection and the server exits with status %i', async (signal, exitStatus) => {
  const s = (server = await ServerProcess.start());
  const pool = new RandomPool(BYTES);
  const sockets = await connectMany(s.port, CLIENTS, s);

  // Load: every client streaming; the signal comes once each has had 256 KiB echoed.
  let warmedUp = 0;
  let onWarm: () => void = () => {};
  const allWarm = new Promise<void>((resolve) => (onWarm = resolve));
  const endings = sockets.map((socket, i) => {
    let counted = false;
    return echoUntilClosed(socket, pool.window(i), (received) => {
      if (counted || received < 256 * 1024) return;
      counted = true;
      if (++warmedUp === CLIENTS) onWarm();
    });
  });
  await allWarm;
  // A server that cannot finish shutting down would never exit: give it a generous
  // minute, then report what happened rather than wait for jest's timeout.
  const status = await waitUpTo(60_000, s.stop(signal));

  expect(status).toEqual({ code: exitStatus, signal: null });
  expect(s.lines).toContain(`Server shutting down (${signal})`);
  expect(s.stderr).toBe('');

  // The process is gone, so each connection is over: wait (bounded) for each client's
  // close event to arrive, then check how each one ended.
  const settled = new Array<Ending | null>(CLIENTS).fill(null);
  endings.forEach((p, i) => void p.then((e) => (settled[i] = e)));
  for (let i = 0; i < 100 && settled.includes(null); i++) await delay(100);
  expect(settled.filter((e) => e === null)).toHaveLength(0);
  for (const e of settled as Ending[]) {
    expect(e.sawEnd || e.error === 'ECONNRESET' || e.error === 'EPIPE').toBe(true);
    expect(e.mismatchAt).toBeNull();
    expect(e.received).toBeGreaterThanOrEqual(256 * 1024);
  }
});
