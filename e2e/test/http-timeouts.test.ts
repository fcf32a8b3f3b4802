/**
 * The example HTTP server's timeouts (its own process, `--headers-timeout=1000
 * --keep-alive-timeout=1000`). Slowloris: clients that send their request head one byte a
 * second are cut off once the headers timeout has passed (a 408 or a bare close), long
 * before their head is complete, while other clients are served all the while. And an
 * idle keep-alive connection is closed once the keep-alive timeout has passed.
 */
import { HELLO, httpStatsWhen, RawConnection, startHttpServer, statusOf } from '../src/http-tools.js';
import type { ServerProcess } from '../src/server-process.js';

jest.setTimeout(120_000);

const HEADERS_TIMEOUT_MS = 1000;
const KEEP_ALIVE_TIMEOUT_MS = 1000;
const SLOW_CLIENTS = 20;
/** A head that takes 40 s to send at a byte a second. */
const HEAD = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' + 'x'.repeat(20) + '\r\n\r\n';

let server: ServerProcess;

beforeAll(async () => {
  server = await startHttpServer([`--headers-timeout=${HEADERS_TIMEOUT_MS}`, `--keep-alive-timeout=${KEEP_ALIVE_TIMEOUT_MS}`]);
});

afterAll(async () => {
  await server.dispose();
});

/** What a slow client saw: how much of its head it got to send, and what came back. */
interface SlowEnding {
  bytesSent: number;
  msOpen: number;
  received: Buffer;
  closed: boolean;
}

/** Sends HEAD one byte a second until the server closes the connection (or the head is all sent). */
async function slowClient(port: number): Promise<SlowEnding> {
  const conn = await RawConnection.open(port);
  const started = Date.now();
  let sent = 0;
  const drip = () => {
    if (conn.socket.destroyed || sent === HEAD.length) return;
    conn.socket.write(HEAD[sent++]);
  };
  drip();
  const timer = setInterval(drip, 1000);
  try {
    const r = await conn.result(3 * HEAD.length * 1000);
    return { bytesSent: sent, msOpen: Date.now() - started, received: r.received, closed: r.closed };
  } finally {
    clearInterval(timer);
  }
}

test(`clients sending a header byte a second are cut off after about ${HEADERS_TIMEOUT_MS} ms while others are served`, async () => {
  const slow = Promise.all(Array.from({ length: SLOW_CLIENTS }, () => slowClient(server.port)));

  // Meanwhile: ordinary clients, one request after another, until the slow ones are gone.
  let slowDone = false;
  void slow.then(() => (slowDone = true));
  const served: number[] = [];
  while (!slowDone) {
    const r = await fetch(`http://127.0.0.1:${server.port}/`);
    if ((await r.text()) === HELLO) served.push(r.status);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const endings = await slow;

  for (const e of endings) {
    expect(e.closed).toBe(true);
    // Cut off with most of the head unsent: the server did not wait for it.
    expect(e.bytesSent).toBeLessThan(HEAD.length / 2);
    // A 408 before the close, or nothing.
    if (e.received.length > 0) expect(statusOf(e.received)).toBe(408);
  }
  expect(served.length).toBeGreaterThan(0);
  expect(served.every((s) => s === 200)).toBe(true);
  // Reported for the reader: how long the slow connections lived.
  const open = endings.map((e) => e.msOpen).sort((a, b) => a - b);
  process.stderr.write(`slowloris: ${SLOW_CLIENTS} slow connections closed after ${open[0]}-${open[open.length - 1]} ms (headers timeout ${HEADERS_TIMEOUT_MS} ms), ${served.length} requests served meanwhile\n`);

  // None of them is still counted by the server (fetch's pooled connection may be).
  const stats = await httpStatsWhen(server.port, (s) => s.connections <= 2);
  expect(stats.connections).toBeLessThanOrEqual(2);
});

test(`an idle keep-alive connection is closed by the server after about ${KEEP_ALIVE_TIMEOUT_MS} ms`, async () => {
  // A raw connection: Node's agent would close an idle one itself, early, from the
  // server's Keep-Alive hint. This one never closes it: only the server's timeout can.
  const conn = await RawConnection.open(server.port);
  const since = Date.now();
  conn.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  const r = await conn.result(60_000);
  process.stderr.write(`keep-alive: the idle connection was closed after ${Date.now() - since} ms (keep-alive timeout ${KEEP_ALIVE_TIMEOUT_MS} ms)\n`);
  expect(r.closed).toBe(true);
  expect(r.error).toBeNull();
  // One whole answer, then the close (no 408: nothing was asked).
  const text = r.received.toString('latin1');
  expect(statusOf(text)).toBe(200);
  expect(text.match(/HTTP\/1\.1 /g)).toHaveLength(1);
  expect(text.endsWith(`\r\n\r\n${HELLO}`)).toBe(true);
});
