// Server handshakes that never finish (a peer that closes, resets or says nothing) and
// clients whose server goes away mid-handshake: each ends in an SSLError, leaking nothing.
import net from 'node:net';
import { readdirSync } from 'node:fs';
import { run, currentTask, awaitPromise, type Operation } from '@curio/kernel';
import { openConnection, socket } from '@curio/io';
import { SSLError, type SSLContext } from '../src/index.js';
import { failureOf } from '../../../tools/jest/failure-of.js';
import { makePki, serverContext, clientContext, mutualServerContext, clientContextWith, startServer, echo, until, type Pki } from './pki.js';

let pki: Pki;
beforeAll(async () => {
  pki = await makePki();
});

/** Open file descriptors of this process. */
function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Connects in plain TCP with Node's net, then ends (FIN) or resets (RST) the connection at once. */
function hangUp(port: number, how: 'fin' | 'rst'): Promise<void> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1', () => (how === 'rst' ? c.resetAndDestroy() : c.end()));
    c.on('error', () => undefined);
    c.on('close', () => resolve());
  });
}

const ROUNDS = 20;

describe('a server-side handshake the peer abandons', () => {
  const cases: Array<[string, () => SSLContext, () => SSLContext]> = [
    ['CERT_NONE', () => serverContext(pki.server), () => clientContext(pki.ca)],
    ['mutual TLS', () => mutualServerContext(pki.server, pki.ca), () => clientContextWith(pki.ca, pki.client)],
  ];
  for (const [name, makeServer, makeClient] of cases) {
    for (const how of ['fin', 'rst'] as const) {
      it(`${name}, ${how.toUpperCase()}: an SSLError UNEXPECTED_EOF_WHILE_READING to onClientError, no task or descriptor left`, async () => {
        const out = await run(function* () {
          const srv = yield* startServer(echo, { ssl: makeServer() });
          const kernel = (yield* currentTask()).kernel;
          const tasksBefore = kernel.tasks.size;
          const fdsBefore = openFds();
          for (let i = 0; i < ROUNDS; i++) yield* awaitHangUp(srv.port, how);
          yield* until(() => srv.errors.length === ROUNDS);
          yield* until(() => kernel.tasks.size === tasksBefore);
          // Descriptors close a moment after their tasks end (Node closes the handle asynchronously).
          yield* until(() => openFds() <= fdsBefore);
          const leaks = { leakedTasks: kernel.tasks.size - tasksBefore, leakedFds: Math.max(0, openFds() - fdsBefore) };
          const reasons = new Set(srv.errors.map(([e]) => (e instanceof SSLError ? e.reason : String(e))));
          const served = yield* echoOnce(srv.port, makeClient());
          yield* srv.task.cancel();
          return { ...leaks, reasons: [...reasons], served };
        });
        expect(out).toEqual({ leakedTasks: 0, leakedFds: 0, reasons: ['UNEXPECTED_EOF_WHILE_READING'], served: 'ping' });
      });
    }
  }
});

function* awaitHangUp(port: number, how: 'fin' | 'rst'): Operation<void> {
  yield* awaitPromise(hangUp(port, how));
}

function* echoOnce(port: number, ctx: SSLContext): Operation<string> {
  using sock = yield* openConnection('127.0.0.1', port, { ssl: ctx, serverHostname: 'localhost' });
  yield* sock.sendall('ping');
  return (yield* sock.recv(100)).toString();
}

describe('handshakeTimeout', () => {
  it('drops a client that says nothing when it runs out, while other clients are served', async () => {
    const out = await run(function* () {
      const srv = yield* startServer(echo, { ssl: serverContext(pki.server), handshakeTimeout: 200 });
      const kernel = (yield* currentTask()).kernel;
      const tasksBefore = kernel.tasks.size;
      const mute = socket();
      yield* mute.connect(['127.0.0.1', srv.port]);
      yield* until(() => kernel.tasks.size === tasksBefore + 1);
      // Served while the mute client's handshake waits.
      const served = yield* echoOnce(srv.port, clientContext(pki.ca));
      const stillWaiting = srv.errors.length === 0;
      const end = (yield* mute.recv(10)).length;
      mute.close();
      yield* until(() => kernel.tasks.size === tasksBefore);
      const [error] = srv.errors.map(([e]) => e as SSLError);
      yield* srv.task.cancel();
      return { served, stillWaiting, end, reason: error.reason, message: error.message, errors: srv.errors.length };
    });
    expect(out).toEqual({
      served: 'ping', stillWaiting: true, end: 0, reason: 'TLS_HANDSHAKE_TIMEOUT', errors: 1,
      message: expect.stringMatching(/^TLS handshake with 127\.0\.0\.1:\d+: TLS_HANDSHAKE_TIMEOUT: the handshake did not finish within 200 ms$/),
    });
  });
});

describe('a client whose server goes away during the handshake', () => {
  for (const how of ['fin', 'rst'] as const) {
    it(`${how.toUpperCase()}: an SSLError UNEXPECTED_EOF_WHILE_READING`, async () => {
      // A plain TCP server that reads the ClientHello and hangs up.
      const server = net.createServer((conn) => conn.once('data', () => (how === 'rst' ? conn.resetAndDestroy() : conn.end())));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as net.AddressInfo;
      try {
        const error = await run(() => failureOf(openConnection('127.0.0.1', port, { ssl: clientContext(pki.ca), serverHostname: 'localhost' })));
        expect(error).toBeInstanceOf(SSLError);
        expect((error as SSLError).reason).toBe('UNEXPECTED_EOF_WHILE_READING');
        expect((error as SSLError).message).toMatch(/^TLS handshake with 127\.0\.0\.1:\d+: UNEXPECTED_EOF_WHILE_READING/);
      } finally {
        server.close();
      }
    });
  }
});
