/**
 * A server-side TLS handshake always ends: when the peer closes (FIN) or resets (RST)
 * before finishing, with or without client certificates, and when the peer says nothing
 * for `handshakeTimeout`. Port scanners and TCP health checks do exactly this; each test
 * counts the kernel's tasks and the process's TCP handles to prove nothing is left behind.
 * Also: `maxConnections`, and a TLS client whose server goes away mid-handshake.
 */
import net from 'node:net';
import { run, currentTask, sleep, type Operation } from '@curio/kernel';
import { openConnection, tcpServer, DEFAULT_HANDSHAKE_TIMEOUT, type Socket, type SslWrapOptions, type SocketAddress } from '@curio/io';
import { SSLError, type SSLContext } from '@curio/ssl';
import { failureOf } from '../../../tools/jest/failure-of.js';
import { makePki, serverContext, clientContext, clientContextWith, mutualServerContext, startServer, echo, until, type Pki } from './pki.js';

let pki: Pki;
beforeAll(async () => {
  pki = await makePki();
});

/** Open TCP sockets of this process, the raw peers' ends included (listeners not counted). */
function tcpSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

/** A raw TCP peer that connects, optionally sends `bytes`, then ends or resets. */
function rawPeer(port: number, bytes: Buffer | null, how: 'FIN' | 'RST'): Promise<void> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1', () => {
      if (bytes !== null) c.write(bytes);
      // Give the server the chance to start its handshake on what was sent, then go.
      setTimeout(() => (how === 'FIN' ? c.end() : c.resetAndDestroy()), 20);
    });
    c.on('error', () => {});
    c.on('close', () => resolve());
    c.resume();
  });
}

/** The first bytes of a TLS record that announces 512 bytes of handshake and never sends them. */
const HALF_CLIENT_HELLO = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);

/** Round trip through a TLS server, to show it still serves. */
function* roundTrip(port: number, ctx: SSLContext): Operation<string> {
  using conn = yield* openConnection('127.0.0.1', port, { ssl: ctx, serverHostname: 'localhost' });
  yield* conn.sendall(Buffer.from('ping'));
  return (yield* conn.recv(100)).toString();
}

const SERVERS = {
  'CERT_NONE': () => ({ server: serverContext(pki.server), good: clientContext(pki.ca) }),
  'mutual TLS': () => ({ server: mutualServerContext(pki.server, pki.ca), good: clientContextWith(pki.ca, pki.client) }),
};

describe.each(Object.keys(SERVERS) as Array<keyof typeof SERVERS>)('a %s server', (kind) => {
  it.each([
    ['closes (FIN) before sending anything', null, 'FIN'],
    ['resets (RST) before sending anything', null, 'RST'],
    ['closes (FIN) after half a ClientHello', HALF_CLIENT_HELLO, 'FIN'],
    ['resets (RST) after half a ClientHello', HALF_CLIENT_HELLO, 'RST'],
  ] as const)('ends the handshake of a peer that %s: an SSLError to onClientError, no task or socket left', async (_what, bytes, how) => {
    const { server, good } = SERVERS[kind]();
    const out = await run(function* () {
      const me = yield* currentTask();
      // Sockets of an earlier test may still be closing: start from none.
      yield* until(() => tcpSockets() === 0);
      const srv = yield* startServer(echo, { ssl: server });
      const tasksBefore = me.kernel.tasks.size;
      const peers = Array.from({ length: 5 }, () => rawPeer(srv.port, bytes, how));
      yield* until(() => srv.errors.length === peers.length);
      yield* until(() => me.kernel.tasks.size === tasksBefore && tcpSockets() === 0);
      const served = yield* roundTrip(srv.port, good);
      const reasons = srv.errors.map(([e]) => (e instanceof SSLError ? e.reason : `not an SSLError: ${String(e)}`));
      yield* srv.task.cancel();
      return { reasons, served, tasks: me.kernel.tasks.size - tasksBefore + 1 };
    });
    expect(out).toEqual({ reasons: Array(5).fill('UNEXPECTED_EOF_WHILE_READING'), served: 'ping', tasks: 0 });
  });

  it('drops a client that says nothing for handshakeTimeout, serving others meanwhile', async () => {
    const { server, good } = SERVERS[kind]();
    const out = await run(function* () {
      const me = yield* currentTask();
      const srv = yield* startServer(echo, { ssl: server, handshakeTimeout: 300 });
      const tasksBefore = me.kernel.tasks.size;
      let muteEnded = false;
      const mute = net.connect(srv.port, '127.0.0.1');
      mute.on('error', () => {});
      mute.on('close', () => (muteEnded = true));
      mute.resume();
      // While the mute client's handshake waits, another client is served.
      const served = yield* roundTrip(srv.port, good);
      const endedEarly = muteEnded;
      yield* until(() => muteEnded && srv.errors.length === 1);
      yield* until(() => me.kernel.tasks.size === tasksBefore);
      const [[error]] = srv.errors;
      yield* srv.task.cancel();
      return { served, endedEarly, reason: (error as SSLError).reason, isSSLError: error instanceof SSLError };
    });
    expect(out).toEqual({ served: 'ping', endedEarly: false, reason: 'TLS_HANDSHAKE_TIMEOUT', isSSLError: true });
  });
});

it(`servers with ssl give each handshake DEFAULT_HANDSHAKE_TIMEOUT (${DEFAULT_HANDSHAKE_TIMEOUT} ms) unless told otherwise`, async () => {
  const seen: Array<number | undefined> = [];
  const context = serverContext(pki.server);
  // The server's own SSL wrapper, watched: what each handshake is told.
  const watched = { wrapSocket: (sock: Socket, options: SslWrapOptions) => (seen.push(options.handshakeTimeout), context.wrapSocket(sock, options)) };
  await run(function* () {
    for (const options of [{}, { handshakeTimeout: 1234 }]) {
      const srv = yield* startServer(echo, { ssl: watched, ...options });
      expect(yield* roundTrip(srv.port, clientContext(pki.ca))).toBe('ping');
      yield* srv.task.cancel();
    }
  });
  expect(seen).toEqual([10_000, 1234]);
});

it('rejects a handshakeTimeout that is not a positive number, or given without ssl, naming it', async () => {
  const noop = function* () {};
  await run(function* () {
    const bad = yield* failureOf(tcpServer('127.0.0.1', 0, noop, { ssl: serverContext(pki.server), handshakeTimeout: 0 }));
    expect(String(bad)).toBe('TypeError: tcpServer(): handshakeTimeout must be a positive number of ms (or Infinity), got 0');
    const plain = yield* failureOf(tcpServer('127.0.0.1', 0, noop, { handshakeTimeout: 100 }));
    expect(String(plain)).toBe('TypeError: tcpServer(): handshakeTimeout only applies with ssl');
  });
});

describe('maxConnections', () => {
  it('closes a connection past the cap at once, tells onReject, and serves again once a client leaves', async () => {
    const out = await run(function* () {
      const rejected: SocketAddress[] = [];
      const release = new Set<() => void>();
      // Each client is held until the test lets it go.
      function* held(client: Socket): Operation<void> {
        let go = false;
        release.add(() => (go = true));
        while (!go) yield* sleep(5);
        yield* client.sendall(Buffer.from('bye'));
      }
      const srv = yield* startServer(held, { maxConnections: 2, onReject: (address) => rejected.push(address) });
      const connect = () => {
        const c = net.connect(srv.port, '127.0.0.1');
        const got: Buffer[] = [];
        const ended = new Promise<string>((resolve) => c.on('end', () => resolve(Buffer.concat(got).toString())));
        c.on('data', (d: Buffer) => got.push(d));
        c.on('error', () => {});
        return { c, ended };
      };
      const a = connect();
      const b = connect();
      yield* until(() => release.size === 2);
      const third = connect();
      let thirdSaid = '';
      void third.ended.then((text) => (thirdSaid = `ended:${text}`));
      yield* until(() => thirdSaid !== '');
      for (const go of release) go();
      release.clear();
      let said: string[] = [];
      void Promise.all([a.ended, b.ended]).then((texts) => (said = texts));
      yield* until(() => said.length === 2);
      // A place is free again: the next client is served.
      const fourth = connect();
      yield* until(() => release.size === 1);
      for (const go of release) go();
      let fourthSaid = '';
      void fourth.ended.then((text) => (fourthSaid = text));
      yield* until(() => fourthSaid !== '');
      yield* srv.task.cancel();
      return { thirdSaid, said, fourthSaid, rejected: rejected.length, errors: srv.errors.length };
    });
    expect(out).toEqual({ thirdSaid: 'ended:', said: ['bye', 'bye'], fourthSaid: 'bye', rejected: 1, errors: 0 });
  });

  it('rejects a maxConnections that is not a positive whole number, naming it', async () => {
    await run(function* () {
      const bad = yield* failureOf(tcpServer('127.0.0.1', 0, function* () {}, { maxConnections: 1.5 }));
      expect(String(bad)).toBe('TypeError: tcpServer(): maxConnections must be a positive whole number (or Infinity), got 1.5');
    });
  });
});

describe('a TLS client whose server goes away during the handshake', () => {
  it.each(['FIN', 'RST'] as const)('gets an SSLError when the server hangs up (%s) on its ClientHello', async (how) => {
    // A server that reads the ClientHello, then hangs up instead of answering.
    const server = net.createServer((sock) => {
      sock.on('error', () => {});
      sock.once('data', () => (how === 'FIN' ? sock.end() : sock.resetAndDestroy()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const error = await run(() => failureOf(openConnection('127.0.0.1', port, { ssl: clientContext(pki.ca), serverHostname: 'localhost' })));
      expect([error instanceof SSLError, (error as SSLError).reason]).toEqual([true, 'UNEXPECTED_EOF_WHILE_READING']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
