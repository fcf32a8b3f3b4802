// A peer that sends the first bytes of a TLS record during the handshake and then ends
// the connection (FIN): the record can never be completed, so the handshake ends in an
// SSLError, not a wait for the rest; nothing leaks.
import net from 'node:net';
import { readdirSync } from 'node:fs';
import { run, currentTask, awaitPromise, type Operation } from '@curio/kernel';
import { openConnection } from '@curio/io';
import { SSLError } from '../src/index.js';
import { failureOf } from '../../../tools/jest/failure-of.js';
import { makePki, serverContext, clientContext, startServer, echo, until, type Pki } from './pki.js';

let pki: Pki;
beforeAll(async () => {
  pki = await makePki();
});

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/** A handshake record's header claiming 512 bytes, and 10 of them. */
const HALF_RECORD = Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]), Buffer.alloc(10, 0x01)]);

/** A raw TCP peer: connects, sends `bytes`, ends (FIN), and waits for the server to close. */
function sendAndEnd(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1', () => c.end(bytes));
    c.on('error', () => undefined);
    c.on('data', () => undefined);
    c.on('close', () => resolve());
  });
}

function* awaitSendAndEnd(port: number, bytes: Buffer): Operation<void> {
  yield* awaitPromise(sendAndEnd(port, bytes));
}

const ROUNDS = 10;

describe('half a TLS record followed by FIN', () => {
  it('mid-handshake: the server handshake ends in an SSLError to onClientError, no task or descriptor left', async () => {
    const out = await run(function* () {
      const srv = yield* startServer(echo, { ssl: serverContext(pki.server) });
      const kernel = (yield* currentTask()).kernel;
      const tasksBefore = kernel.tasks.size;
      const fdsBefore = openFds();
      for (let i = 0; i < ROUNDS; i++) yield* awaitSendAndEnd(srv.port, HALF_RECORD);
      yield* until(() => srv.errors.length === ROUNDS);
      yield* until(() => kernel.tasks.size === tasksBefore);
      yield* until(() => openFds() <= fdsBefore);
      const leaks = { leakedTasks: kernel.tasks.size - tasksBefore, leakedFds: Math.max(0, openFds() - fdsBefore) };
      const errors = srv.errors.map(([e]) => e);
      yield* srv.task.cancel();
      return {
        allSSLErrors: errors.every((e) => e instanceof SSLError),
        reasons: [...new Set(errors.map((e) => (e as SSLError).reason))],
        ...leaks,
      };
    });
    expect(out).toEqual({ allSSLErrors: true, reasons: ['UNEXPECTED_EOF_WHILE_READING'], leakedTasks: 0, leakedFds: 0 });
  });

  it('mid-handshake, from the server: the client handshake ends in an SSLError, no descriptor left', async () => {
    // A plain TCP server that reads the ClientHello, answers with half a record and ends.
    const server = net.createServer((conn) => conn.once('data', () => conn.end(HALF_RECORD)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const fdsBefore = openFds();
      const out = await run(function* () {
        const error = yield* failureOf(openConnection('127.0.0.1', port, { ssl: clientContext(pki.ca), serverHostname: 'localhost' }));
        yield* until(() => openFds() <= fdsBefore);
        return { isSSLError: error instanceof SSLError, reason: (error as SSLError).reason, leakedFds: Math.max(0, openFds() - fdsBefore) };
      });
      expect(out).toEqual({ isSSLError: true, reason: 'UNEXPECTED_EOF_WHILE_READING', leakedFds: 0 });
    } finally {
      server.close();
    }
  });
});
