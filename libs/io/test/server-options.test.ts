// The servers' options: maxConnections and onReject, clientName, onListening's address,
// the handshakeTimeout handed to the ssl wrapper; getsocknameInet; bytesSent on a
// cancelled sendall.
import { run, spawn, currentTask, timeoutAfter, Event, CancelledError, TaskTimeout, type Operation, type Task } from '@curio/kernel';
import {
  tcpServer, openConnection,
  type Socket, type SocketAddress, type SslWrapper, type SslWrapOptions,
} from '../src/index.js';
import { until, tcpPair } from './net-helpers.js';
import { failureOf } from '../../../tools/jest/failure-of.js';

/** Starts tcpServer on 127.0.0.1 port 0 with `options`; returns its task and port (read through onListening's address). */
function* start(handler: (client: Socket, addr: SocketAddress) => Operation<unknown>, options: Parameters<typeof tcpServer>[3] = {}): Operation<[Task, number]> {
  let port = 0;
  const listening = new Event();
  const task = yield* spawn(tcpServer, '127.0.0.1', 0, handler, {
    ...options,
    onListening: (_sock, address) => {
      port = address.port;
      listening.set();
    },
  });
  yield* listening.wait();
  return [task, port];
}

describe('maxConnections', () => {
  it('accepts and closes at once the connections past the cap, counts them, and serves again below it', async () => {
    const out = await run(function* () {
      const rejected: number[] = [];
      const release = new Event();
      const [server, port] = yield* start(function* (client) {
        yield* client.sendall('hi');
        yield* release.wait();
      }, { maxConnections: 2, onReject: (_addr, n) => rejected.push(n) });
      const held = [yield* openConnection('127.0.0.1', port), yield* openConnection('127.0.0.1', port)];
      for (const sock of held) yield* sock.recv(2);
      const extra = [yield* openConnection('127.0.0.1', port), yield* openConnection('127.0.0.1', port)];
      const ends = [(yield* extra[0].recv(10)).length, (yield* extra[1].recv(10)).length];
      release.set();
      for (const sock of [...held, ...extra]) sock.close();
      yield* until(() => true);
      const later = yield* openConnection('127.0.0.1', port);
      const greeting = (yield* later.recv(2)).toString();
      later.close();
      yield* server.cancel();
      return { ends, rejected, greeting };
    });
    expect(out).toEqual({ ends: [0, 0], rejected: [1, 2], greeting: 'hi' });
  });

  it('refuses a maxConnections that is not a positive integer, naming it', async () => {
    await expect(run(() => tcpServer('127.0.0.1', 0, function* () {}, { maxConnections: 0 }))).rejects.toThrow(/tcpServer\(\): maxConnections must be a positive integer/);
  });
});

describe('clientName', () => {
  it('names the client tasks, by a string or a function of the address', async () => {
    const out = await run(function* () {
      const names: string[] = [];
      const record = function* () {
        names.push((yield* currentTask()).name);
      };
      const [a, portA] = yield* start(record, { clientName: 'greeter' });
      const [b, portB] = yield* start(record, { clientName: (addr) => `client ${(addr as [string, number])[0]}` });
      const [c, portC] = yield* start(record);
      for (const port of [portA, portB, portC]) (yield* openConnection('127.0.0.1', port)).close();
      yield* until(() => names.length === 3);
      for (const t of [a, b, c]) yield* t.cancel();
      return names.sort();
    });
    expect(out).toEqual(['client 127.0.0.1', 'greeter', 'tcpServer client']);
  });
});

describe('handshakeTimeout', () => {
  it('hands the ssl wrapper 10 s by default, or the option given', async () => {
    const out = await run(function* () {
      const seen: Array<number | undefined> = [];
      const wrapper: SslWrapper = {
        *wrapSocket(sock: Socket, options: SslWrapOptions) {
          seen.push(options.handshakeTimeout);
          return sock;
        },
      };
      const [a, portA] = yield* start(function* () {}, { ssl: wrapper });
      const [b, portB] = yield* start(function* () {}, { ssl: wrapper, handshakeTimeout: 250 });
      (yield* openConnection('127.0.0.1', portA)).close();
      yield* until(() => seen.length === 1);
      (yield* openConnection('127.0.0.1', portB)).close();
      yield* until(() => seen.length === 2);
      yield* a.cancel();
      yield* b.cancel();
      return seen;
    });
    expect(out).toEqual([10_000, 250]);
  });
});

describe('a cancelled sendall', () => {
  it('carries bytesSent: the peer gets exactly that prefix, and the stream goes on from there', async () => {
    const out = await run(function* () {
      const [client, peer, listener] = yield* tcpPair();
      const data = Buffer.alloc(32 * 1024 * 1024, 1);
      // Nobody reads yet: the send stalls once the socket buffers are full, and times out.
      const error = yield* failureOf(timeoutAfter(200, client.sendall(data)));
      const bytesSent = (error as CancelledError).bytesSent!;
      // The rest of the stalled piece is still queued: the next send waits for the peer to read.
      const end = yield* spawn(() => client.sendall('END'));
      const stream = peer.asStream();
      const prefix = yield* stream.readExactly(bytesSent);
      const next = (yield* stream.readExactly(3)).toString();
      yield* end.join();
      client.close();
      peer.close();
      listener.close();
      return { timedOut: error instanceof TaskTimeout, bytesSent, prefixIsOnes: prefix.every((b) => b === 1), next, partial: bytesSent > 0 && bytesSent < data.length };
    });
    expect(out).toEqual({ timedOut: true, bytesSent: expect.any(Number), prefixIsOnes: true, next: 'END', partial: true });
  });
});
