/**
 * Draining the example HTTP server (its own process) on SIGTERM with a request in
 * flight: it stops accepting at once, closes its idle keep-alive connection, lets the
 * request in flight finish (its response says `Connection: close`, then the connection
 * closes), and exits with 143.
 */
import { connect } from 'node:net';
import { delay, HOST } from '../src/clients.js';
import { HELLO, httpStatsWhen, keepAliveGet, RawConnection, startHttpServer } from '../src/http-tools.js';
import type { ServerProcess } from '../src/server-process.js';

jest.setTimeout(120_000);

const SLEEP_MS = 1500;

let server: ServerProcess | null = null;

afterEach(async () => {
  await server?.dispose();
  server = null;
});

/**
 * 'refused' once nothing listens on `port` any more; else 'accepted' (the probe connection
 * is closed again) or 'reset' (it was queued for a listener that closed meanwhile).
 */
function probe(port: number): Promise<'refused' | 'accepted' | 'reset'> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') resolve('refused');
      else if (e.code === 'ECONNRESET') resolve('reset');
      else reject(e);
    });
  });
}

test(`SIGTERM with /sleep?ms=${SLEEP_MS} in flight: new connections refused, the idle one closed, the request finished with Connection: close, exit 143`, async () => {
  const s = (server = await startHttpServer());

  // An idle keep-alive connection: one request answered, then nothing. Raw: Node's agent
  // would close an idle connection itself, from the server's Keep-Alive hint.
  const idle = await RawConnection.open(s.port);
  idle.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  expect(await idle.waitFor(HELLO)).toBe(true);
  let idleClosed = false;
  void idle.closed.then(() => (idleClosed = true));

  // A request in flight (keep-alive: it asks for no close itself).
  let answered = false;
  const busy = keepAliveGet(s.port, `/sleep?ms=${SLEEP_MS}`);
  void busy.then(() => (answered = true));
  const inFlight = await httpStatsWhen(s.port, (st) => st.inFlight === 2);
  expect(inFlight.inFlight).toBe(2);

  const exited = s.stop('SIGTERM');
  // The listener goes at once: a new connection is refused while the request is still running.
  let refused = false;
  for (let i = 0; i < 100 && !refused && !answered; i++) {
    refused = (await probe(s.port)) === 'refused';
    if (!refused) await delay(10);
  }
  expect(refused).toBe(true);
  expect(answered).toBe(false);

  // The idle connection is closed by the server while the request is still running; the
  // busy one gets its whole answer, saying close, then the close.
  const idleEnd = await idle.result();
  expect(idleClosed).toBe(true);
  expect(answered).toBe(false);
  expect(idleEnd.error).toBeNull();
  expect(idleEnd.received.toString('latin1').match(/HTTP\/1\.1 /g)).toHaveLength(1);
  const done = await busy;
  expect(done.status).toBe(200);
  expect(done.headers.connection).toBe('close');
  expect(done.body).toBe(`slept ${SLEEP_MS}\n`);
  await done.closed;

  expect(await exited).toEqual({ code: 143, signal: null });
  expect(s.stderr).toBe('');
});
