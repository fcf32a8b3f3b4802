import net from 'node:net';
import fs from 'node:fs';
import { run, spawn, sleep, awaitPromise, CurioError, ReadResourceBusy, WriteResourceBusy, TaskCancelled, type Operation } from '@curio/kernel';
import {
  socket, Socket, IOError, AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM, SOCK_DGRAM, SOL_SOCKET, SO_REUSEADDR, SO_KEEPALIVE,
  SO_BROADCAST, SO_RCVBUF, IPPROTO_TCP, TCP_NODELAY, SHUT_RD, SHUT_WR, SHUT_RDWR, type AddressFamily, type SocketKind, type ShutdownHow,
} from '../src/index.js';
import { listener, tcpPair, tmpSocketPath, parkedIn, until, ipv6Available, freePort, serverConnections } from './net-helpers.js';
import { rejectionOf } from '../../../tools/jest/rejection-of.js';
import { failureOf } from '../../../tools/jest/failure-of.js';

describe('socket()', () => {
  it('creates sockets of each family and type', () => {
    const made: Array<[AddressFamily, SocketKind]> = [[AF_INET, SOCK_STREAM], [AF_INET6, SOCK_STREAM], [AF_UNIX, SOCK_STREAM], [AF_INET, SOCK_DGRAM], [AF_INET6, SOCK_DGRAM]];
    for (const [family, type] of made) {
      const s = socket(family, type);
      expect([s.family, s.type]).toEqual([family, type]);
      s.close();
    }
    const d = socket();
    expect([d.family, d.type]).toEqual([AF_INET, SOCK_STREAM]);
  });

  it('rejects unknown families and types and Unix datagrams with clear errors', () => {
    expect(() => socket(99 as AddressFamily)).toThrow(/family must be AF_INET, AF_INET6 or AF_UNIX/);
    expect(() => socket(AF_INET, 7 as SocketKind)).toThrow(/type must be SOCK_STREAM or SOCK_DGRAM/);
    expect(() => socket(AF_UNIX, SOCK_DGRAM)).toThrow(/AF_UNIX with SOCK_DGRAM is not supported/);
  });

  it('gives a fresh socket the wildcard address as its name and no peer', () => {
    expect(socket(AF_INET).getsockname()).toEqual(['0.0.0.0', 0]);
    expect(socket(AF_INET6).getsockname()).toEqual(['::', 0]);
    expect(socket(AF_UNIX).getsockname()).toBe('');
    const s = socket();
    expect(() => s.getpeername()).toThrow(expect.objectContaining({ code: 'ENOTCONN' }));
  });
});

describe('TCP over IPv4', () => {
  it('binds, listens, accepts and connects; names match on both sides', async () => {
    const names = await run(function* () {
      const server = socket(AF_INET, SOCK_STREAM);
      yield* server.bind(['127.0.0.1', 0]);
      expect(server.getsockname()).toEqual(['127.0.0.1', 0]);
      yield* server.listen(5);
      const [, port] = server.getsockname() as [string, number];
      const client = socket(AF_INET, SOCK_STREAM);
      yield* client.connect(['127.0.0.1', port]);
      const [peer, addr] = yield* server.accept();
      const result = { port, addr, clientName: client.getsockname(), clientPeer: client.getpeername(), peerName: peer.getsockname(), peerPeer: peer.getpeername() };
      client.close();
      peer.close();
      server.close();
      return result;
    });
    expect(names.port).toBeGreaterThan(0);
    expect(names.clientPeer).toEqual(['127.0.0.1', names.port]);
    expect(names.peerName).toEqual(['127.0.0.1', names.port]);
    expect(names.addr).toEqual(names.clientName);
    expect(names.peerPeer).toEqual(names.clientName);
  });

  it('echoes data with recv and sendall', async () => {
    const echoed = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      const echo = yield* spawn(function* () {
        for (;;) {
          const data = yield* peer.recv(1000);
          if (data.length === 0) break;
          yield* peer.sendall(data);
        }
        peer.close();
      });
      const replies: string[] = [];
      for (const word of ['alpha', 'beta', 'gamma']) {
        yield* client.sendall(Buffer.from(word));
        replies.push((yield* client.recv(1000)).toString());
      }
      client.shutdown(SHUT_WR);
      const end = yield* client.recv(1000);
      yield* echo.join();
      client.close();
      server.close();
      return { replies, endLength: end.length };
    });
    expect(echoed).toEqual({ replies: ['alpha', 'beta', 'gamma'], endLength: 0 });
  });

  it('recv returns at most n bytes and keeps the rest buffered for the next call', async () => {
    const parts = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      yield* client.sendall(Buffer.from('0123456789'));
      const first = yield* peer.recv(4);
      const rest: Buffer[] = [];
      let total = first.length;
      while (total < 10) {
        const more = yield* peer.recv(100);
        rest.push(more);
        total += more.length;
      }
      client.close();
      peer.close();
      server.close();
      return [first.toString(), Buffer.concat(rest).toString()];
    });
    expect(parts[0].length).toBeLessThanOrEqual(4);
    expect(parts.join('')).toBe('0123456789');
  });

  it('recvInto fills the given buffer (or its first nbytes) and returns the count', async () => {
    const out = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      yield* client.sendall(Buffer.from('abcdef'));
      const buf = Buffer.alloc(16, '.');
      let n = yield* peer.recvInto(buf, 3);
      while (n < 3) n += yield* peer.recvInto(buf.subarray(n), 3 - n);
      const small = Buffer.alloc(2);
      let m = 0;
      const tail: string[] = [];
      while (m < 3) {
        const k = yield* peer.recvInto(small);
        tail.push(small.subarray(0, k).toString());
        m += k;
      }
      client.close();
      const eof = yield* peer.recvInto(small);
      peer.close();
      server.close();
      return { head: buf.toString(), tail: tail.join(''), eof };
    });
    expect(out.head).toBe('abc.............');
    expect(out.tail).toBe('def');
    expect(out.eof).toBe(0);
  });

  it('recvfrom on a stream socket returns the data and the peer address', async () => {
    const [data, addr, expected] = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      yield* client.sendall('hi');
      const [d, a] = yield* peer.recvfrom(10);
      const result = [d.toString(), a, client.getsockname()] as const;
      client.close();
      peer.close();
      server.close();
      return result;
    });
    expect(data).toBe('hi');
    expect(addr).toEqual(expected);
  });

  it('send returns the number of bytes accepted', async () => {
    const counts = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      const a = yield* client.send(Buffer.from('hello'));
      const b = yield* client.send('héllo');
      client.close();
      const got = yield* peer.asStream().readAll();
      peer.close();
      server.close();
      return [a, b, got.toString()];
    });
    expect(counts).toEqual([5, 6, 'hellohéllo']);
  });

  it('recv returns an empty Buffer at end of stream, every time', async () => {
    const ends = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      client.close();
      const a = yield* peer.recv(10);
      const b = yield* peer.recv(10);
      peer.close();
      server.close();
      return [a.length, b.length];
    });
    expect(ends).toEqual([0, 0]);
  });

  it('half-closes with shutdown(SHUT_WR): the peer sees the end, replies, and later sends fail with EPIPE', async () => {
    const out = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      yield* client.sendall('request');
      client.shutdown(SHUT_WR);
      const request = yield* peer.asStream().readAll();
      yield* peer.sendall(`reply to ${request.toString()}`);
      peer.close();
      const reply = yield* client.asStream().readAll();
      let sendError: unknown = null;
      try {
        yield* client.sendall('more');
      } catch (e) {
        sendError = e;
      }
      client.close();
      server.close();
      return { reply: reply.toString(), sendError };
    });
    expect(out.reply).toBe('reply to request');
    expect(out.sendError).toBeInstanceOf(IOError);
    expect(out.sendError).toMatchObject({ code: 'EPIPE', message: expect.stringMatching(/^sendall\(\).*shut down for writing/) });
  });

  it('shutdown(SHUT_RD) makes later receives return an empty Buffer; SHUT_RDWR does both', async () => {
    const out = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      yield* client.sendall('ignored');
      peer.shutdown(SHUT_RD);
      const a = yield* peer.recv(10);
      client.shutdown(SHUT_RDWR);
      const b = yield* client.recv(10);
      let err: unknown = null;
      try {
        yield* client.send('x');
      } catch (e) {
        err = e;
      }
      client.close();
      peer.close();
      server.close();
      return [a.length, b.length, (err as IOError).code];
    });
    expect(out).toEqual([0, 0, 'EPIPE']);
  });

  it('rejects a bad shutdown direction and a shutdown of an unconnected socket', () => {
    const s = socket();
    expect(() => s.shutdown(9 as ShutdownHow)).toThrow(/SHUT_RD, SHUT_WR or SHUT_RDWR/);
    expect(() => s.shutdown(SHUT_WR)).toThrow(expect.objectContaining({ code: 'ENOTCONN' }));
  });

  it('close is idempotent and flushes what was sent before it', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 7);
    const got = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      const reader = yield* spawn(function* () {
        return yield* peer.asStream().readAll();
      });
      yield* client.sendall(big);
      client.close();
      client.close();
      expect(client.closed).toBe(true);
      const data = yield* reader.join();
      peer.close();
      server.close();
      return data;
    });
    expect(got.length).toBe(big.length);
    expect(got.equals(big)).toBe(true);
  });

  it('operations on a closed socket fail with EBADF; on an unconnected one with ENOTCONN', async () => {
    const errors = await run(function* () {
      const closed = socket();
      closed.close();
      const fresh = socket();
      const out: unknown[] = [];
      for (const op of [() => closed.recv(1), () => closed.sendall('x'), () => closed.connect(['127.0.0.1', 1]), () => fresh.recv(1), () => fresh.sendall('x'), () => fresh.accept()]) {
        try {
          yield* op();
          out.push(null);
        } catch (e) {
          out.push(e);
        }
      }
      fresh.close();
      return out;
    });
    expect(errors.map((e) => (e as IOError).code)).toEqual(['EBADF', 'EBADF', 'EBADF', 'ENOTCONN', 'ENOTCONN', 'EINVAL']);
    expect(errors[0]).toBeInstanceOf(IOError);
    expect((errors[0] as Error).message).toMatch(/^recv\(\).*closed/);
    expect((errors[5] as Error).message).toMatch(/not listening/);
  });

  it('reports ECONNREFUSED with the operation and address in the message', async () => {
    const port = await freePort();
    const err = await rejectionOf(
      run(function* () {
        const s = socket();
        try {
          yield* s.connect(['127.0.0.1', port]);
        } finally {
          s.close();
        }
      }),
    );
    expect(err).toBeInstanceOf(IOError);
    expect(err).toMatchObject({ code: 'ECONNREFUSED', syscall: 'connect' });
    expect((err as Error).message).toContain(`connect() to 127.0.0.1:${port}`);
  });

  it('reports EADDRINUSE from listen, and the socket can still be closed', async () => {
    const out = await run(function* () {
      const [first, port] = yield* listener();
      const second = socket();
      yield* second.bind(['127.0.0.1', port]);
      let err: unknown = null;
      try {
        yield* second.listen(5);
      } catch (e) {
        err = e;
      }
      second.close();
      first.close();
      return { err, port };
    });
    expect(out.err).toBeInstanceOf(IOError);
    expect(out.err).toMatchObject({ code: 'EADDRINUSE' });
    expect((out.err as Error).message).toContain(`listen() on 127.0.0.1:${out.port}`);
  });

  it('reports ECONNRESET to a reader when the peer resets the connection', async () => {
    const err = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      (client.nodeSocket as net.Socket).resetAndDestroy();
      try {
        return yield* peer.recv(10);
      } catch (e) {
        return e;
      } finally {
        client.close();
        peer.close();
        server.close();
      }
    });
    expect(err).toBeInstanceOf(IOError);
    expect(err).toMatchObject({ code: 'ECONNRESET' });
    expect((err as Error).message).toMatch(/^recv\(\) peer 127\.0\.0\.1:\d+: /);
  });

  it("holds an error that arrives while no task reads for the next operation, and detach() leaves no 'error' listener behind", async () => {
    const out = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      // Emitted with no listener of its own, an 'error' event would throw here (a crash).
      (peer.nodeSocket as net.Socket).emit('error', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
      const err = yield* failureOf(peer.recv(10));
      // A connected socket's own listeners (connect()'s for the connecting phase included) all go with detach().
      const raw = client.detach();
      const listeners = raw.listenerCount('error');
      raw.destroy();
      peer.close();
      server.close();
      return { err, listeners };
    });
    expect(out.err).toBeInstanceOf(IOError);
    expect(out.err).toMatchObject({ code: 'ECONNRESET' });
    expect(out.listeners).toBe(0);
  });

  it('validates addresses and sizes with clear errors', async () => {
    const errors = await run(function* () {
      const s = socket();
      const out: unknown[] = [];
      const attempts = [
        () => s.bind('not a tuple' as unknown as [string, number]),
        () => s.bind(['127.0.0.1', 70000]),
        () => s.connect(['::1', 80]),
        () => socket(AF_UNIX).bind(''),
      ];
      for (const op of attempts) {
        try {
          yield* op();
        } catch (e) {
          out.push((e as Error).message);
        }
      }
      s.close();
      return out;
    });
    expect(errors).toEqual([
      expect.stringMatching(/bind\(\): an AF_INET address is a \[host, port\] tuple/),
      expect.stringMatching(/bind\(\): a port is an integer from 0 to 65535, got 70000/),
      expect.stringMatching(/connect\(\): ::1 is an IPv6 address, but the socket is AF_INET/),
      expect.stringMatching(/bind\(\): an AF_UNIX address is a non-empty path string/),
    ]);
    await expect(
      run(function* () {
        const [client, peer, server] = yield* tcpPair();
        try {
          yield* peer.recv(-1);
        } finally {
          client.close();
          peer.close();
          server.close();
        }
      }),
    ).rejects.toThrow(/recv\(\): the byte count must be a non-negative integer \(0 reads nothing\), got -1/);
  });

  it('queues connections that arrive before accept and hands them out in order', async () => {
    const order = await run(function* () {
      const [server, port] = yield* listener();
      const clients: Socket[] = [];
      for (let i = 0; i < 3; i++) {
        const c = socket();
        yield* c.connect(['127.0.0.1', port]);
        yield* c.sendall(`client ${i}`);
        clients.push(c);
      }
      const got: string[] = [];
      for (let i = 0; i < 3; i++) {
        const [peer] = yield* server.accept();
        got.push((yield* peer.asStream().readExactly(8)).toString());
        peer.close();
      }
      for (const c of clients) c.close();
      server.close();
      return got;
    });
    expect(order).toEqual(['client 0', 'client 1', 'client 2']);
  });

  it('closing a listening socket fails a blocked accept with EBADF and drops unaccepted connections', async () => {
    const out = await run(function* () {
      const [server, port] = yield* listener();
      const acceptor = yield* spawn(function* () {
        try {
          yield* server.accept();
          return null;
        } catch (e) {
          return e;
        }
      });
      yield* parkedIn(acceptor, 'READ_WAIT');
      server.close();
      const err = yield* acceptor.join();
      const late = socket();
      let refused: unknown = null;
      try {
        yield* late.connect(['127.0.0.1', port]);
      } catch (e) {
        refused = e;
      }
      late.close();
      return { err, refused, listening: (server.nodeSocket as net.Server | null)?.listening ?? false };
    });
    expect(out.err).toMatchObject({ code: 'EBADF' });
    expect(out.refused).toMatchObject({ code: 'ECONNREFUSED' });
    expect(out.listening).toBe(false);
  });

  it('a second concurrent reader gets ReadResourceBusy, a second concurrent writer WriteResourceBusy', async () => {
    const out = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      const first = yield* spawn(function* () {
        return yield* peer.recv(10);
      });
      yield* parkedIn(first, 'READ_WAIT');
      let readBusy: unknown = null;
      try {
        yield* peer.recv(10);
      } catch (e) {
        readBusy = e;
      }
      let acceptBusy: unknown = null;
      const acceptor = yield* spawn(function* () {
        return yield* server.accept();
      });
      yield* parkedIn(acceptor, 'READ_WAIT');
      try {
        yield* server.accept();
      } catch (e) {
        acceptBusy = e;
      }
      yield* acceptor.cancel();
      // A writer blocked on a full buffer: the peer does not read.
      const writer = yield* spawn(function* () {
        const chunk = Buffer.alloc(1024 * 1024);
        for (;;) yield* client.sendall(chunk);
      });
      yield* parkedIn(writer, 'WRITE_WAIT');
      let writeBusy: unknown = null;
      try {
        yield* client.sendall('x');
      } catch (e) {
        writeBusy = e;
      }
      yield* writer.cancel();
      const firstData = yield* first.join();
      client.close();
      peer.close();
      server.close();
      return { readBusy, acceptBusy, writeBusy, firstData };
    });
    expect(out.readBusy).toBeInstanceOf(ReadResourceBusy);
    expect((out.readBusy as Error).message).toMatch(/recv\(\): another task is already reading/);
    expect(out.acceptBusy).toBeInstanceOf(ReadResourceBusy);
    expect(out.writeBusy).toBeInstanceOf(WriteResourceBusy);
    expect((out.writeBusy as Error).message).toMatch(/sendall\(\): another task is already writing/);
    expect(out.firstData.length).toBeGreaterThan(0);
  });

  it('setsockopt and getsockopt: TCP_NODELAY, SO_KEEPALIVE, SO_REUSEADDR; unknown options fail with ENOPROTOOPT', async () => {
    const out = await run(function* () {
      const [server, port] = yield* listener();
      server.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
      const client = socket();
      client.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
      client.setsockopt(SOL_SOCKET, SO_KEEPALIVE, true);
      client.setsockopt(IPPROTO_TCP, TCP_NODELAY, true);
      yield* client.connect(['127.0.0.1', port]);
      const [peer] = yield* server.accept();
      const values = [client.getsockopt(SOL_SOCKET, SO_REUSEADDR), client.getsockopt(SOL_SOCKET, SO_KEEPALIVE), client.getsockopt(IPPROTO_TCP, TCP_NODELAY), peer.getsockopt(IPPROTO_TCP, TCP_NODELAY)];
      client.setsockopt(IPPROTO_TCP, TCP_NODELAY, 0);
      values.push(client.getsockopt(IPPROTO_TCP, TCP_NODELAY));
      let unknown: unknown = null;
      try {
        client.setsockopt(SOL_SOCKET, 12345, 1);
      } catch (e) {
        unknown = e;
      }
      let udpOnly: unknown = null;
      try {
        client.setsockopt(SOL_SOCKET, SO_BROADCAST, 1);
      } catch (e) {
        udpOnly = e;
      }
      client.close();
      peer.close();
      server.close();
      return { values, unknown, udpOnly };
    });
    expect(out.values).toEqual([1, 1, 1, 1, 0]);
    expect(out.unknown).toMatchObject({ code: 'ENOPROTOOPT' });
    expect(out.udpOnly).toMatchObject({ code: 'ENOPROTOOPT', message: expect.stringMatching(/datagram sockets only/) });
  });

  it('is disposable with using', async () => {
    const raw = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      {
        using s = peer;
        yield* s.sendall('bye');
      }
      const data = yield* client.asStream().readAll();
      expect(data.toString()).toBe('bye');
      client.close();
      server.close();
      return peer;
    });
    expect(raw.closed).toBe(true);
  });

  it('Socket.fromNode wraps a connected net.Socket and detach hands it back with unread bytes', async () => {
    const out = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      yield* client.sendall('hello world');
      const head = yield* peer.asStream().readExactly(6);
      const raw = peer.detach();
      expect(peer.closed).toBe(true);
      const wrapped = Socket.fromNode(raw);
      const rest = yield* wrapped.asStream().readExactly(5);
      const fam = wrapped.family;
      wrapped.close();
      client.close();
      server.close();
      return [head.toString(), rest.toString(), fam];
    });
    expect(out).toEqual(['hello ', 'world', AF_INET]);
  });

  it('Socket.fromNode called on a subclass makes an instance of that subclass', async () => {
    class TaggedSocket extends Socket {
      readonly tag = 'tagged';
    }
    const out = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      const wrapped = TaggedSocket.fromNode(peer.detach());
      yield* client.sendall('ping');
      const data = yield* wrapped.recv(10);
      const result = [wrapped instanceof TaggedSocket, wrapped.tag, data.toString()];
      wrapped.close();
      client.close();
      server.close();
      return result;
    });
    expect(out).toEqual([true, 'tagged', 'ping']);
  });
});

describe('backpressure', () => {
  it('a slow reader holds the writer back: sendall waits and buffered bytes stay bounded', async () => {
    const CHUNK = 64 * 1024;
    const TOTAL = 32 * 1024 * 1024;
    const out = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      let sent = 0;
      const writer = yield* spawn(function* () {
        const chunk = Buffer.alloc(CHUNK, 1);
        while (sent < TOTAL) {
          yield* client.sendall(chunk);
          sent += CHUNK;
        }
      });
      // The reader takes one byte (so the socket flows), then stops reading.
      const first = yield* peer.recv(1);
      let last = -1;
      while (!(writer.state === 'WRITE_WAIT' && sent === last)) {
        last = sent;
        yield* sleep(20);
      }
      const raw = client.nodeSocket as net.Socket;
      const serverRaw = peer.nodeSocket as net.Socket;
      const stalled = {
        sent,
        writerBuffered: raw.writableLength,
        readerBuffered: peer.readBuffered + serverRaw.readableLength,
      };
      // Now read everything: the writer finishes.
      let received = first.length;
      while (received < TOTAL) received += (yield* peer.recv(1024 * 1024)).length;
      yield* writer.join();
      client.close();
      peer.close();
      server.close();
      return { stalled, received };
    });
    expect(out.stalled.sent).toBeLessThan(TOTAL);
    expect(out.stalled.writerBuffered).toBeLessThanOrEqual(CHUNK + 16 * 1024);
    expect(out.stalled.readerBuffered).toBeLessThanOrEqual(256 * 1024);
    expect(out.received).toBe(TOTAL);
  });
});

describe('cancellation leaves nothing behind', () => {
  it('a cancelled recv loses no data and leaves no reader behind', async () => {
    const out = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      const t = yield* spawn(function* () {
        return yield* peer.recv(100);
      });
      yield* parkedIn(t, 'READ_WAIT');
      yield* t.cancel();
      yield* client.sendall('after cancel');
      const data = yield* peer.asStream().readExactly(12);
      client.close();
      peer.close();
      server.close();
      return { exception: t.exception, data: data.toString() };
    });
    expect(out.exception).toBeInstanceOf(TaskCancelled);
    expect(out.data).toBe('after cancel');
  });

  it('a recv cancelled just after data arrived keeps the data for the next call', async () => {
    const data = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      const t = yield* spawn(function* () {
        return yield* peer.recv(100);
      });
      yield* parkedIn(t, 'READ_WAIT');
      yield* client.sendall('kept');
      // Wait until the reader has been woken (data arrived), then cancel it before it runs.
      yield* until(() => t.state !== 'READ_WAIT');
      yield* t.cancel();
      const got = t.exception === null ? (t.result as Buffer) : yield* peer.recv(100);
      client.close();
      peer.close();
      server.close();
      return got.toString();
    });
    expect(data).toBe('kept');
  });

  it('a cancelled accept leaves no acceptor: the next connection goes to the next accept', async () => {
    const out = await run(function* () {
      const [server, port] = yield* listener();
      const t = yield* spawn(function* () {
        return yield* server.accept();
      });
      yield* parkedIn(t, 'READ_WAIT');
      yield* t.cancel();
      const client = socket();
      yield* client.connect(['127.0.0.1', port]);
      const [peer] = yield* server.accept();
      const count = yield* serverConnections(server);
      peer.close();
      client.close();
      server.close();
      return { exception: t.exception, count };
    });
    expect(out.exception).toBeInstanceOf(TaskCancelled);
    expect(out.count).toBe(1);
  });

  it('a cancelled connect destroys its connection and leaves the socket reusable', async () => {
    const out = await run(function* () {
      const [server, port] = yield* listener();
      const s = socket();
      const t = yield* spawn(function* () {
        yield* s.connect(['127.0.0.1', port]);
      });
      yield* sleep(0);
      expect(t.state).toBe('WRITE_WAIT');
      const raw = s.nodeSocket as net.Socket;
      yield* t.cancel();
      const destroyed = raw.destroyed;
      const after = s.nodeSocket;
      yield* s.connect(['127.0.0.1', port]);
      const [peer] = yield* server.accept();
      yield* s.sendall('again');
      const data = yield* peer.asStream().readExactly(5);
      s.close();
      peer.close();
      server.close();
      return { exception: t.exception, destroyed, after, data: data.toString() };
    });
    expect(out.exception).toBeInstanceOf(TaskCancelled);
    expect(out.destroyed).toBe(true);
    expect(out.after).toBeNull();
    expect(out.data).toBe('again');
  });

  it('a cancelled sendall leaves no writer behind: the socket can be written and read to the end', async () => {
    const out = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      const t = yield* spawn(function* () {
        const chunk = Buffer.alloc(1024 * 1024, 2);
        for (;;) yield* client.sendall(chunk);
      });
      yield* parkedIn(t, 'WRITE_WAIT');
      yield* t.cancel();
      const reader = yield* spawn(function* () {
        return (yield* peer.asStream().readAll()).length;
      });
      yield* client.sendall(Buffer.from('tail'));
      client.close();
      const total = yield* reader.join();
      peer.close();
      server.close();
      return { exception: t.exception, total };
    });
    expect(out.exception).toBeInstanceOf(TaskCancelled);
    // The cancelled sendall had handed over whole 64 KiB pieces, never a broken one.
    expect(out.total % (64 * 1024)).toBe(4);
  });

  it('closing a socket fails the tasks blocked on it with EBADF: a reader, a connector', async () => {
    const out = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      const reader = yield* spawn(function* () {
        return yield* peer.recv(10);
      });
      yield* parkedIn(reader, 'READ_WAIT');
      peer.close();
      const [, port] = server.getsockname() as [string, number];
      const s = socket();
      const connector = yield* spawn(function* () {
        yield* s.connect(['127.0.0.1', port]);
      });
      yield* sleep(0);
      expect(connector.state).toBe('WRITE_WAIT');
      s.close();
      yield* reader.wait();
      yield* connector.wait();
      client.close();
      server.close();
      return { readError: reader.exception, connectError: connector.exception };
    });
    expect(out.readError).toMatchObject({ code: 'EBADF', message: expect.stringMatching(/^recv\(\).*the socket is closed/) });
    expect(out.connectError).toMatchObject({ code: 'EBADF', message: expect.stringMatching(/^connect\(\).*closed while connecting/) });
  });

  it('closed sockets release their Node handles', async () => {
    const raws = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      const handles = [client.nodeSocket as net.Socket, peer.nodeSocket as net.Socket];
      const srv = server.nodeSocket as net.Server;
      client.close();
      peer.close();
      server.close();
      yield* until(() => handles.every((h) => h.destroyed));
      return { handles, listening: srv.listening };
    });
    expect(raws.handles.every((h) => h.destroyed)).toBe(true);
    expect(raws.listening).toBe(false);
  });
});

describe('close() of a connection whose peer does not read', () => {
  const tcpHandles = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

  it('a cancelled sendall leaves only a bounded amount queued, and close() releases the handle anyway', async () => {
    const out = await run(function* () {
      // The client never reads: the server's sendall fills the kernel buffers and stalls.
      const [client, peer, server] = yield* tcpPair();
      const raw = peer.nodeSocket as net.Socket;
      const handlesBefore = tcpHandles();
      const writer = yield* spawn(function* () {
        yield* peer.sendall(Buffer.alloc(32 * 1024 * 1024, 3));
      });
      yield* parkedIn(writer, 'WRITE_WAIT');
      yield* writer.cancel();
      const queued = raw.writableLength;
      const released = new Promise<void>((resolve) => raw.once('close', () => resolve()));
      peer.close();
      // Waits for the Node socket's 'close' (its handle released): the linger, at most.
      yield* awaitPromise(released);
      const handlesAfter = tcpHandles();
      client.close();
      server.close();
      return { queued, destroyed: raw.destroyed, handlesBefore, handlesAfter };
    });
    // At most one write piece beyond Node's high-water mark, not the 32 MiB asked for.
    expect(out.queued).toBeLessThanOrEqual(64 * 1024 + 16 * 1024);
    expect(out.destroyed).toBe(true);
    expect(out.handlesAfter).toBe(out.handlesBefore - 1);
  });

  it('a large sendall to a reading peer still arrives whole (it is written in pieces)', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024 + 7);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    const got = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      const reader = yield* spawn(function* () {
        return yield* client.asStream().readAll();
      });
      yield* peer.sendall(big);
      yield* peer.sendall('and a string');
      peer.close();
      const data = yield* reader.join();
      client.close();
      server.close();
      return data;
    });
    expect(got.equals(Buffer.concat([big, Buffer.from('and a string')]))).toBe(true);
  });
});

describe('messages name the value as given and what would be right', () => {
  it('a string size is shown quoted (recv("10") does not read as a valid 10), and 0 is a valid size', async () => {
    const out = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      const messages: string[] = [];
      for (const n of ['10', -1, 2.5, NaN]) {
        try {
          yield* peer.recv(n as number);
        } catch (e) {
          messages.push((e as Error).message);
        }
      }
      const empty = yield* peer.recv(0);
      client.close();
      peer.close();
      server.close();
      return { messages, empty: empty.length };
    });
    expect(out.messages).toEqual([
      'recv(): the byte count must be a non-negative integer (0 reads nothing), got "10" (a string)',
      'recv(): the byte count must be a non-negative integer (0 reads nothing), got -1',
      'recv(): the byte count must be a non-negative integer (0 reads nothing), got 2.5',
      'recv(): the byte count must be a non-negative integer (0 reads nothing), got NaN',
    ]);
    expect(out.empty).toBe(0);
  });

  it('recv and sendall outside any task fail the same clear way whether or not data is buffered', async () => {
    /** Drives `op` one step from a Node callback, outside any task; returns what it threw. */
    const outsideTask = (op: () => Operation<unknown>) =>
      awaitPromise(
        new Promise<unknown>((resolve) =>
          setImmediate(() => {
            try {
              resolve({ returned: op().next() });
            } catch (error) {
              resolve(error);
            }
          }),
        ),
      );
    const out = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      const idle = yield* outsideTask(() => peer.recv(5));
      yield* client.sendall('hello, world');
      expect((yield* peer.recv(1)).toString()).toBe('h');
      yield* until(() => peer.readBuffered > 0);
      const buffered = yield* outsideTask(() => peer.recv(5));
      const send = yield* outsideTask(() => peer.sendall('x'));
      const left = peer.readBuffered;
      client.close();
      peer.close();
      server.close();
      return { idle, buffered, send, left };
    });
    for (const [e, op] of [[out.idle, 'recv'], [out.buffered, 'recv'], [out.send, 'sendall']] as const) {
      expect(e).toBeInstanceOf(CurioError);
      expect((e as Error).message).toMatch(new RegExp(`^${op}\\(\\) was called outside any task: call it inside a task started by run\\(\\)`));
    }
    // Nothing was taken from the buffer by the refused call.
    expect(out.left).toBe('ello, world'.length);
  });
});

describe('TCP over IPv6', () => {
  it('round-trips on ::1 when the machine has IPv6, and fails cleanly otherwise', async () => {
    const available = await ipv6Available();
    const out = await run(function* () {
      const server = socket(AF_INET6, SOCK_STREAM);
      try {
        yield* server.bind(['::1', 0]);
        yield* server.listen(5);
      } catch (e) {
        server.close();
        return { error: e };
      }
      const [host, port] = server.getsockname() as [string, number];
      const client = socket(AF_INET6, SOCK_STREAM);
      yield* client.connect(['::1', port]);
      const [peer, addr] = yield* server.accept();
      yield* client.sendall('six');
      const data = yield* peer.asStream().readExactly(3);
      const result = { host, addr, peerName: peer.getsockname(), clientPeer: client.getpeername(), data: data.toString(), port };
      client.close();
      peer.close();
      server.close();
      return result;
    });
    if (available) {
      expect(out).toMatchObject({ host: '::1', data: 'six', peerName: ['::1', expect.any(Number)] });
      const ok = out as { addr: [string, number]; clientPeer: [string, number]; port: number };
      expect(ok.addr[0]).toBe('::1');
      expect(ok.clientPeer).toEqual(['::1', ok.port]);
    } else {
      expect(out).toMatchObject({ error: expect.any(IOError) });
    }
  });
});

describe('Unix stream sockets', () => {
  it('binds a path, accepts, exchanges data; names are paths', async () => {
    const path = tmpSocketPath();
    const out = await run(function* () {
      const server = socket(AF_UNIX, SOCK_STREAM);
      yield* server.bind(path);
      yield* server.listen(5);
      const client = socket(AF_UNIX, SOCK_STREAM);
      yield* client.connect(path);
      const [peer, addr] = yield* server.accept();
      yield* client.sendall('over unix');
      const data = yield* peer.asStream().readExactly(9);
      yield* peer.sendall('back');
      const reply = yield* client.asStream().readExactly(4);
      const result = { addr, serverName: server.getsockname(), clientPeer: client.getpeername(), peerName: peer.getsockname(), peerPeer: peer.getpeername(), data: data.toString(), reply: reply.toString() };
      client.close();
      peer.close();
      server.close();
      return result;
    });
    expect(out).toEqual({ addr: '', serverName: path, clientPeer: path, peerName: path, peerPeer: '', data: 'over unix', reply: 'back' });
  });

  it('fails with EADDRINUSE when the path exists, and with ENOENT connecting to a missing path', async () => {
    const path = tmpSocketPath();
    fs.writeFileSync(path, '');
    try {
      const out = await run(function* () {
        const s = socket(AF_UNIX);
        let inUse: unknown = null;
        try {
          yield* s.bind(path);
        } catch (e) {
          inUse = e;
        }
        s.close();
        const c = socket(AF_UNIX);
        let missing: unknown = null;
        try {
          yield* c.connect(`${path}.missing`);
        } catch (e) {
          missing = e;
        }
        c.close();
        return { inUse, missing };
      });
      expect(out.inUse).toMatchObject({ code: 'EADDRINUSE' });
      expect(out.missing).toMatchObject({ code: 'ENOENT', message: expect.stringContaining(`connect() to ${path}.missing`) });
    } finally {
      fs.unlinkSync(path);
    }
  });

  it('listen needs a bound path', async () => {
    await expect(
      run(function* () {
        const s = socket(AF_UNIX);
        try {
          yield* s.listen();
        } finally {
          s.close();
        }
      }),
    ).rejects.toMatchObject({ code: 'EINVAL', message: expect.stringMatching(/bind an AF_UNIX socket to a path first/) });
  });
});

describe('UDP', () => {
  it('sends and receives datagrams with sendto and recvfrom', async () => {
    const out = await run(function* () {
      const a = socket(AF_INET, SOCK_DGRAM);
      const b = socket(AF_INET, SOCK_DGRAM);
      yield* a.bind(['127.0.0.1', 0]);
      yield* b.bind(['127.0.0.1', 0]);
      const aName = a.getsockname() as [string, number];
      const n = yield* b.sendto(Buffer.from('ping'), aName);
      const [data, from] = yield* a.recvfrom(100);
      yield* a.sendto('pong', from);
      const [reply, replyFrom] = yield* b.recvfrom(100);
      const result = { n, data: data.toString(), from, bName: b.getsockname(), reply: reply.toString(), replyFrom, aName };
      a.close();
      b.close();
      return result;
    });
    expect(out.n).toBe(4);
    expect(out.data).toBe('ping');
    expect(out.from).toEqual(out.bName);
    expect(out.reply).toBe('pong');
    expect(out.replyFrom).toEqual(out.aName);
  });

  it('truncates a datagram to the size asked for, and keeps datagram boundaries', async () => {
    const out = await run(function* () {
      const a = socket(AF_INET, SOCK_DGRAM);
      const b = socket(AF_INET, SOCK_DGRAM);
      yield* a.bind(['127.0.0.1', 0]);
      yield* b.bind(['127.0.0.1', 0]);
      yield* b.sendto('0123456789', a.getsockname());
      yield* b.sendto('second', a.getsockname());
      const first = yield* a.recv(4);
      const buf = Buffer.alloc(100);
      const n = yield* a.recvInto(buf);
      a.close();
      b.close();
      return [first.toString(), buf.subarray(0, n).toString()];
    });
    expect(out).toEqual(['0123', 'second']);
  });

  it('connect sets the default peer for send and recv, and getpeername reports it', async () => {
    const out = await run(function* () {
      const server = socket(AF_INET, SOCK_DGRAM);
      yield* server.bind(['127.0.0.1', 0]);
      const client = socket(AF_INET, SOCK_DGRAM);
      yield* client.bind(['127.0.0.1', 0]);
      yield* client.connect(server.getsockname());
      yield* client.send('hello');
      const [data, from] = yield* server.recvfrom(100);
      yield* server.sendto('world', from);
      const reply = yield* client.recv(100);
      const result = { data: data.toString(), reply: reply.toString(), peer: client.getpeername(), serverName: server.getsockname() };
      client.close();
      server.close();
      return result;
    });
    expect(out.data).toBe('hello');
    expect(out.reply).toBe('world');
    expect(out.peer).toEqual(out.serverName);
  });

  it('fails with EADDRINUSE binding a taken port, EINVAL receiving unbound, EBADF once closed', async () => {
    const out = await run(function* () {
      const a = socket(AF_INET, SOCK_DGRAM);
      yield* a.bind(['127.0.0.1', 0]);
      const b = socket(AF_INET, SOCK_DGRAM);
      const errors: unknown[] = [];
      try {
        yield* b.bind(a.getsockname());
      } catch (e) {
        errors.push(e);
      }
      try {
        yield* b.recvfrom(10);
      } catch (e) {
        errors.push(e);
      }
      a.close();
      a.close();
      try {
        yield* a.recvfrom(10);
      } catch (e) {
        errors.push(e);
      }
      b.close();
      return errors;
    });
    expect(out.map((e) => (e as IOError).code)).toEqual(['EADDRINUSE', 'EINVAL', 'EBADF']);
    expect((out[0] as Error).message).toMatch(/^bind\(\) to 127\.0\.0\.1:\d+/);
  });

  it('a cancelled recvfrom loses nothing; a second reader gets ReadResourceBusy', async () => {
    const out = await run(function* () {
      const a = socket(AF_INET, SOCK_DGRAM);
      yield* a.bind(['127.0.0.1', 0]);
      const t = yield* spawn(function* () {
        return yield* a.recvfrom(10);
      });
      yield* parkedIn(t, 'READ_WAIT');
      let busy: unknown = null;
      try {
        yield* a.recvfrom(10);
      } catch (e) {
        busy = e;
      }
      yield* t.cancel();
      const b = socket(AF_INET, SOCK_DGRAM);
      yield* b.bind(['127.0.0.1', 0]);
      yield* b.sendto('later', a.getsockname());
      const [data] = yield* a.recvfrom(10);
      a.close();
      b.close();
      return { busy, exception: t.exception, data: data.toString() };
    });
    expect(out.busy).toBeInstanceOf(ReadResourceBusy);
    expect(out.exception).toBeInstanceOf(TaskCancelled);
    expect(out.data).toBe('later');
  });

  it('sets UDP options after and before binding', async () => {
    const out = await run(function* () {
      const a = socket(AF_INET, SOCK_DGRAM);
      a.setsockopt(SOL_SOCKET, SO_BROADCAST, 1);
      yield* a.bind(['127.0.0.1', 0]);
      a.setsockopt(SOL_SOCKET, SO_RCVBUF, 65536);
      const result = [a.getsockopt(SOL_SOCKET, SO_BROADCAST), a.getsockopt(SOL_SOCKET, SO_RCVBUF) >= 65536];
      a.close();
      return result;
    });
    expect(out).toEqual([1, true]);
  });

  it('UDP sockets cannot listen, and stream sockets cannot sendto', async () => {
    const out = await run(function* () {
      const u = socket(AF_INET, SOCK_DGRAM);
      const t = socket(AF_INET, SOCK_STREAM);
      const errors: unknown[] = [];
      try {
        yield* u.listen();
      } catch (e) {
        errors.push(e);
      }
      try {
        yield* t.sendto('x', ['127.0.0.1', 9]);
      } catch (e) {
        errors.push(e);
      }
      u.close();
      t.close();
      return errors.map((e) => (e as IOError).code);
    });
    expect(out).toEqual(['EOPNOTSUPP', 'EISCONN']);
  });
});
