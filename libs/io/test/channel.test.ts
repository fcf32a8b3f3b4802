import net from 'node:net';
import { PassThrough } from 'node:stream';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHmac } from 'node:crypto';
import v8 from 'node:v8';
import { run, spawn, sleep, awaitPromise, TaskCancelled, ReadResourceBusy, type Operation } from '@curio/kernel';
import { Channel } from '../src/channel/channel.js';
import { Connection } from '../src/channel/connection.js';
import { AuthenticationError, ChannelError, EOFError, FrameError } from '../src/channel/errors.js';
import { IOError } from '../src/io-error.js';
import { Stream } from '../src/socket/stream.js';
import type { InetAddress } from '../src/address.js';

const HOST = '127.0.0.1';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-channel-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A server channel on an ephemeral port of 127.0.0.1, already listening. */
function* listening(options: ConstructorParameters<typeof Channel>[1] = {}): Operation<Channel> {
  const ch = new Channel([HOST, 0], options);
  yield* ch.bind();
  return ch;
}

function portOf(ch: Channel): number {
  return (ch.address as InetAddress)[1];
}

/** A length-prefixed frame, built by hand. */
function frame(payload: Buffer, length = payload.length): Buffer {
  const header = Buffer.alloc(4);
  header.writeInt32BE(length, 0);
  return Buffer.concat([header, payload]);
}

/** A plain Node client: writes what it is told; `received` settles with all it got once the server closes. */
interface RawClient {
  socket: net.Socket;
  received: Promise<Buffer>;
  firstData: Promise<void>;
}

function rawClient(port: number, data?: Buffer, end = false): RawClient {
  const socket = net.connect({ host: HOST, port });
  const chunks: Buffer[] = [];
  const firstData = new Promise<void>((resolve) => socket.once('data', () => resolve()));
  const received = new Promise<Buffer>((resolve) => {
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', () => {});
  });
  if (data !== undefined) socket.write(data);
  if (end) socket.end();
  return { socket, received, firstData };
}

/** TCP handles this process holds (sockets and listeners). */
function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;
}

/** Waits (a bounded number of event-loop turns) for sockets of earlier tests to finish closing. */
async function quiesce(): Promise<number> {
  for (let i = 0; i < 500 && tcpHandles() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 2));
  return tcpHandles();
}

/** Runs `server(ch)` and `client(ch)` as two tasks over one listening channel. */
function* pair<S, C>(server: (ch: Channel) => Operation<S>, client: (ch: Channel) => Operation<C>, options = {}): Operation<[S, C]> {
  const ch = yield* listening(options);
  try {
    const s = yield* spawn(server, ch);
    const c = yield* spawn(client, new Channel(ch.address, options));
    return [yield* s.join(), yield* c.join()];
  } finally {
    ch.close();
  }
}

describe('Channel round trips', () => {
  it('sends objects both ways over TCP: structured-clone types survive', async () => {
    const message = { text: 'héllo', n: 42, big: 10n, list: [1, [2, 3]], when: new Date(0), map: new Map([[1, 'one']]), set: new Set(['a']), bytes: Buffer.from('hi'), nothing: null };
    const [fromClient, fromServer] = await run(() =>
      pair(
        function* (ch) {
          using conn = yield* ch.accept();
          const got = yield* conn.recv();
          yield* conn.send({ echo: got });
          return got;
        },
        function* (ch) {
          using conn = yield* ch.connect();
          yield* conn.send(message);
          return yield* conn.recv();
        },
      ),
    );
    // v8.deserialize builds objects in Node's realm, not jest's: compare their parts.
    for (const got of [fromClient, (fromServer as { echo: unknown }).echo] as (typeof message)[]) {
      expect({ ...got, when: got.when.getTime(), map: [...got.map.entries()], set: [...got.set.values()] }).toEqual({
        ...message,
        when: 0,
        map: [[1, 'one']],
        set: ['a'],
      });
    }
  });

  it('sends bytes with sendBytes/recvBytes, with offset and size', async () => {
    const data = Buffer.from('abcdefghijklmnopqrstuvwxyz');
    const got = await run(() =>
      pair(
        function* (ch) {
          using conn = yield* ch.accept();
          return [yield* conn.recvBytes(), yield* conn.recvBytes(), yield* conn.recvBytes(), yield* conn.recvBytes()];
        },
        function* (ch) {
          using conn = yield* ch.connect();
          yield* conn.sendBytes(data, 5, 10);
          yield* conn.sendBytes(data, 5);
          yield* conn.sendBytes(new Uint8Array([1, 2, 3]));
          yield* conn.sendBytes(data, 0, 0);
          return null;
        },
      ),
    );
    expect(got[0].map((b) => b.toString('latin1'))).toEqual(['fghijklmno', 'fghijklmnopqrstuvwxyz', '\x01\x02\x03', '']);
  });

  it('rejects bad sendBytes arguments with RangeError and unserialisable objects with TypeError, sending nothing', async () => {
    const data = Buffer.from('abcdefghijklmnopqrstuvwxyz');
    const [next, errs] = await run(() =>
      pair(
        function* (ch) {
          using conn = yield* ch.accept();
          return yield* conn.recv();
        },
        function* (ch) {
          using conn = yield* ch.connect();
          const out: unknown[] = [];
          for (const op of [() => conn.sendBytes(data, 50), () => conn.sendBytes(data, 0, 50), () => conn.sendBytes(data, -10), () => conn.sendBytes(data, 0, -10), () => conn.send({ f() {} })]) {
            try {
              yield* op();
            } catch (e) {
              out.push(e);
            }
          }
          yield* conn.send('still fine');
          return out;
        },
      ),
    );
    expect(errs.map((e) => (e as Error).constructor)).toEqual([RangeError, RangeError, RangeError, RangeError, TypeError]);
    expect(String(errs[0])).toContain('past the end');
    expect(String(errs[4])).toContain('cannot be serialised');
    expect(next).toBe('still fine');
  });

  it('delivers many messages in order', async () => {
    const n = 2000;
    const [got] = await run(() =>
      pair(
        function* (ch) {
          using conn = yield* ch.accept();
          const out: number[] = [];
          for (let i = 0; i < n; i++) out.push((yield* conn.recv()) as number);
          return out;
        },
        function* (ch) {
          using conn = yield* ch.connect();
          for (let i = 0; i < n; i++) yield* conn.send(i);
          return null;
        },
      ),
    );
    expect(got).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('carries large messages: a million-element array and 20 MB of bytes', async () => {
    const list = Array.from({ length: 1_000_000 }, (_, i) => i);
    const blob = Buffer.alloc(20 * 1024 * 1024, 0xab);
    const [got, reply] = await run(() =>
      pair(
        function* (ch) {
          using conn = yield* ch.accept();
          const a = (yield* conn.recv()) as number[];
          const b = yield* conn.recvBytes();
          yield* conn.send([a.length, b.length]);
          return { a, b };
        },
        function* (ch) {
          using conn = yield* ch.connect();
          yield* conn.send(list);
          yield* conn.sendBytes(blob);
          return yield* conn.recv();
        },
      ),
    );
    expect(got.a).toEqual(list);
    expect(got.b.equals(blob)).toBe(true);
    expect(reply).toEqual([list.length, blob.length]);
  });

  it('works over a Unix socket path', async () => {
    const sockPath = path.join(dir, 'chan.sock');
    const got = await run(function* () {
      using server = new Channel(sockPath);
      yield* server.bind();
      const accepting = yield* spawn(function* () {
        using conn = yield* server.accept({ authkey: 'unix-key' });
        return yield* conn.recv();
      });
      using conn = yield* new Channel(sockPath).connect({ authkey: 'unix-key' });
      yield* conn.send(['over', 'unix']);
      return yield* accepting.join();
    });
    expect(got).toEqual(['over', 'unix']);
  });

  it('a producer and a consumer talk over a channel until a sentinel', async () => {
    const [total, sent] = await run(() =>
      pair(
        function* consumer(ch) {
          using conn = yield* ch.accept({ authkey: 'pc' });
          let sum = 0;
          for (;;) {
            const item = (yield* conn.recv()) as { n: number } | null;
            if (item === null) break;
            sum += item.n;
          }
          yield* conn.send(sum);
          return sum;
        },
        function* producer(ch) {
          using conn = yield* ch.connect({ authkey: 'pc' });
          for (let i = 1; i <= 100; i++) yield* conn.send({ n: i });
          yield* conn.send(null);
          return yield* conn.recv();
        },
      ),
    );
    expect(total).toBe(5050);
    expect(sent).toBe(5050);
  });

  it('recv raises EOFError once the peer has closed, and a closed connection raises ChannelError', async () => {
    const [errs] = await run(() =>
      pair(
        function* (ch) {
          const conn = yield* ch.accept();
          const first = yield* conn.recv();
          let eof: unknown = null;
          try {
            yield* conn.recv();
          } catch (e) {
            eof = e;
          }
          conn.close();
          let closed: unknown = null;
          try {
            yield* conn.send('x');
          } catch (e) {
            closed = e;
          }
          return { first, eof, closed, isClosed: conn.closed };
        },
        function* (ch) {
          const conn = yield* ch.connect();
          yield* conn.send('last words');
          conn.close();
          return null;
        },
      ),
    );
    expect(errs.first).toBe('last words');
    expect(errs.eof).toBeInstanceOf(EOFError);
    expect(errs.closed).toBeInstanceOf(ChannelError);
    expect(String(errs.closed)).toContain('closed');
    expect(errs.isClosed).toBe(true);
  });

  it('connect to a closed channel fails with ECONNREFUSED', async () => {
    const err = await run(function* () {
      const ch = yield* listening();
      const address = ch.address;
      ch.close();
      try {
        yield* new Channel(address).connect();
        return null;
      } catch (e) {
        return e;
      }
    });
    expect(err).toBeInstanceOf(IOError);
    expect((err as IOError).code).toBe('ECONNREFUSED');
  });

  it('a second receiver on one connection gets ReadResourceBusy', async () => {
    const [busy] = await run(() =>
      pair(
        function* (ch) {
          using conn = yield* ch.accept();
          const first = yield* spawn(() => conn.recv());
          yield* sleep(0);
          let err: unknown = null;
          try {
            yield* conn.recv();
          } catch (e) {
            err = e;
          }
          yield* conn.send('go');
          yield* first.join();
          return err;
        },
        function* (ch) {
          using conn = yield* ch.connect();
          yield* conn.recv();
          yield* conn.send('done');
          return null;
        },
      ),
    );
    expect(busy).toBeInstanceOf(ReadResourceBusy);
  });

  it('a Connection runs over any Stream (here a loopback PassThrough)', async () => {
    const got = await run(function* () {
      const pipe = new PassThrough();
      using conn = new Connection(Stream.fromNode(pipe, pipe), { maxFrameSize: 1024 });
      yield* conn.send({ looped: [1, 2, 3] });
      yield* conn.sendBytes(Buffer.from('raw'));
      return { obj: yield* conn.recv(), bytes: (yield* conn.recvBytes()).toString(), max: conn.maxFrameSize };
    });
    expect(got).toEqual({ obj: { looped: [1, 2, 3] }, bytes: 'raw', max: 1024 });
  });

  it('rejects bad addresses and options clearly', () => {
    expect(() => new Channel(42 as unknown as string)).toThrow(TypeError);
    expect(() => new Channel([HOST, 70000])).toThrow(/port/);
    expect(() => new Channel([HOST, 0], { maxFrameSize: 0 })).toThrow(RangeError);
    expect(() => new Channel([HOST, 0], { authTimeout: -1 })).toThrow(RangeError);
  });
});

describe('authentication', () => {
  it('succeeds with the same key on both sides (string or bytes)', async () => {
    const [a, b] = await run(() =>
      pair(
        function* (ch) {
          using conn = yield* ch.accept({ authkey: Buffer.from('peekaboo') });
          yield* conn.send('server hello');
          return yield* conn.recv();
        },
        function* (ch) {
          using conn = yield* ch.connect({ authkey: 'peekaboo' });
          const got = yield* conn.recv();
          yield* conn.send('client hello');
          return got;
        },
      ),
    );
    expect(a).toBe('client hello');
    expect(b).toBe('server hello');
  });

  it('a client with the wrong key gets AuthenticationError; the server keeps serving others', async () => {
    const got = await run(function* () {
      using ch = yield* listening();
      const server = yield* spawn(function* () {
        using conn = yield* ch.accept({ authkey: 'right' });
        return yield* conn.recv();
      });
      let bad: unknown = null;
      try {
        yield* new Channel(ch.address).connect({ authkey: 'wrong' });
      } catch (e) {
        bad = e;
      }
      using good = yield* new Channel(ch.address).connect({ authkey: 'right' });
      yield* good.send('the good one');
      return { bad, served: yield* server.join() };
    });
    expect(got.bad).toBeInstanceOf(AuthenticationError);
    expect(String(got.bad)).toContain('rejected our digest');
    expect(got.served).toBe('the good one');
  });

  it('a server without a key is refused by a client that has one', async () => {
    const got = await run(function* () {
      using ch = yield* listening();
      const server = yield* spawn(function* () {
        using conn = yield* ch.accept();
        yield* conn.send('no challenge here');
        return null;
      });
      let err: unknown = null;
      try {
        yield* new Channel(ch.address).connect({ authkey: 'k' });
      } catch (e) {
        err = e;
      }
      yield* server.join();
      return err;
    });
    expect(got).toBeInstanceOf(AuthenticationError);
    expect(String(got)).toContain('no challenge');
  });

  it('a client without a key is dropped by a server that has one, which accepts the next client', async () => {
    const got = await run(function* () {
      using ch = yield* listening();
      const server = yield* spawn(function* () {
        using conn = yield* ch.accept({ authkey: 'k' });
        return yield* conn.recv();
      });
      const keyless = yield* new Channel(ch.address).connect();
      yield* keyless.send('let me in'); // taken as a (wrong) digest
      let keylessError: unknown = null;
      try {
        yield* keyless.recv(); // the server's challenge is not a message
      } catch (e) {
        keylessError = e;
      }
      using good = yield* new Channel(ch.address).connect({ authkey: 'k' });
      yield* good.send('authorised');
      return { keylessError, served: yield* server.join() };
    });
    expect(got.keylessError).toBeInstanceOf(FrameError);
    expect(got.served).toBe('authorised');
  });

  it('a server that does not know the key is caught by the client (the check is mutual)', async () => {
    // An impostor: skips checking the client's digest, says welcome, then answers the
    // client's challenge with a digest under the wrong key.
    const impostor = net.createServer((sock) => {
      let buf = Buffer.alloc(0);
      let step = 0;
      sock.on('error', () => {});
      sock.write(frame(Buffer.concat([Buffer.from('#CHALLENGE#'), Buffer.alloc(32, 1)])));
      sock.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
          const body = buf.subarray(4, 4 + buf.readInt32BE(0));
          buf = buf.subarray(4 + body.length);
          if (step === 0) sock.write(frame(Buffer.from('#WELCOME#')));
          if (step === 1) sock.write(frame(createHmac('sha256', 'not the key').update(body.subarray(11)).digest()));
          step++;
        }
      });
    });
    await new Promise<void>((resolve) => impostor.listen(0, HOST, resolve));
    const port = (impostor.address() as net.AddressInfo).port;
    try {
      const err = await run(function* () {
        try {
          yield* new Channel([HOST, port]).connect({ authkey: 'the key' });
          return null;
        } catch (e) {
          return e;
        }
      });
      expect(err).toBeInstanceOf(AuthenticationError);
      expect(String(err)).toContain("peer's digest was wrong");
    } finally {
      await new Promise((resolve) => impostor.close(resolve));
    }
  });

  it('drops a client that never finishes the handshake (authTimeout) and serves the next', async () => {
    const got = await run(function* () {
      using ch = yield* listening({ authTimeout: 500 });
      const server = yield* spawn(function* () {
        using conn = yield* ch.accept({ authkey: 'k' });
        return yield* conn.recv();
      });
      const silent = rawClient(portOf(ch)); // connects and says nothing
      const silentGot = yield* awaitPromise(silent.received); // settles when the server drops it
      using good = yield* new Channel(ch.address).connect({ authkey: 'k' });
      yield* good.send('patient');
      return { silentGot, served: yield* server.join() };
    });
    expect(got.silentGot.subarray(4, 15).toString()).toBe('#CHALLENGE#');
    expect(got.served).toBe('patient');
  });
});

describe('bad frames close only that connection', () => {
  /** Accepts one raw client that sends `bytes`, returns the error its recv raises and then serves a good client. */
  function* badFrame(bytes: Buffer, end: boolean, recv: (c: Connection) => Operation<unknown>, options = {}): Operation<{ error: unknown; closed: boolean; next: unknown }> {
    using ch = yield* listening(options);
    const raw = rawClient(portOf(ch), bytes, end);
    const conn = yield* ch.accept();
    let error: unknown = null;
    try {
      yield* recv(conn);
    } catch (e) {
      error = e;
    }
    const closed = conn.closed;
    yield* awaitPromise(raw.received); // the server side closed it
    const server = yield* spawn(function* () {
      using c = yield* ch.accept();
      return yield* c.recv();
    });
    using good = yield* new Channel(ch.address).connect();
    yield* good.send('next client');
    return { error, closed, next: yield* server.join() };
  }

  it('a frame over maxFrameSize', async () => {
    const got = await run(() => badFrame(frame(Buffer.alloc(10), 100 * 1024 * 1024), false, (c) => c.recv()));
    expect(got.error).toBeInstanceOf(FrameError);
    expect(String(got.error)).toContain('over the limit');
    expect(got.closed).toBe(true);
    expect(got.next).toBe('next client');
  });

  it('a frame over a small maxFrameSize option, and one over recvBytes(maxLength)', async () => {
    const a = await run(() => badFrame(frame(Buffer.alloc(2000)), false, (c) => c.recvBytes(), { maxFrameSize: 1024 }));
    expect(a.error).toBeInstanceOf(FrameError);
    expect(String(a.error)).toContain('maxFrameSize 1024');
    const b = await run(() => badFrame(frame(Buffer.alloc(2000)), false, (c) => c.recvBytes(100)));
    expect(b.error).toBeInstanceOf(FrameError);
    expect(String(b.error)).toContain('maxLength 100');
    expect([a.closed, b.closed, a.next, b.next]).toEqual([true, true, 'next client', 'next client']);
  });

  it('an outgoing message over maxFrameSize is refused before anything is sent', async () => {
    const [next, err] = await run(() =>
      pair(
        function* (ch) {
          using conn = yield* ch.accept();
          return (yield* conn.recvBytes()).length;
        },
        function* (ch) {
          using conn = yield* ch.connect();
          let e: unknown = null;
          try {
            yield* conn.sendBytes(Buffer.alloc(2000));
          } catch (x) {
            e = x;
          }
          yield* conn.sendBytes(Buffer.alloc(10));
          return e;
        },
        { maxFrameSize: 1024 },
      ),
    );
    expect(err).toBeInstanceOf(RangeError);
    expect(next).toBe(10);
  });

  it('a negative length', async () => {
    const got = await run(() => badFrame(frame(Buffer.alloc(0), -5), false, (c) => c.recv()));
    expect(got.error).toBeInstanceOf(FrameError);
    expect(String(got.error)).toContain('negative length');
    expect([got.closed, got.next]).toEqual([true, 'next client']);
  });

  it('bytes that do not deserialise', async () => {
    const got = await run(() => badFrame(frame(Buffer.from('not v8 data')), false, (c) => c.recv()));
    expect(got.error).toBeInstanceOf(FrameError);
    expect(String(got.error)).toContain('do not deserialise');
    expect([got.closed, got.next]).toEqual([true, 'next client']);
  });

  it('a body cut short by the end of the stream', async () => {
    const got = await run(() => badFrame(frame(Buffer.alloc(10), 100), true, (c) => c.recv()));
    expect(got.error).toBeInstanceOf(FrameError);
    expect(String(got.error)).toContain('truncated frame: the stream ended after 10 of the 100 bytes of its body');
    expect([got.closed, got.next]).toEqual([true, 'next client']);
  });

  it('a header cut short by the end of the stream', async () => {
    const got = await run(() => badFrame(Buffer.from([0, 0]), true, (c) => c.recv()));
    expect(got.error).toBeInstanceOf(FrameError);
    expect(String(got.error)).toContain('of its header');
    expect([got.closed, got.next]).toEqual([true, 'next client']);
  });
});

describe('cancellation', () => {
  it('a cancelled recv loses nothing, even with half a frame received; closing leaves no socket behind', async () => {
    const before = await quiesce();
    const payload = v8.serialize({ big: 'x'.repeat(1000) });
    const whole = frame(payload);
    const got = await run(function* () {
      const ch = yield* listening();
      // One write: a whole first message, then the header and part of the body of a second.
      const raw = rawClient(portOf(ch), Buffer.concat([frame(v8.serialize('first')), whole.subarray(0, 200)]));
      const conn = yield* ch.accept();
      const first = yield* conn.recv();
      const receiver = yield* spawn(() => conn.recv());
      yield* sleep(0);
      const state = receiver.state;
      yield* receiver.cancel();
      raw.socket.write(whole.subarray(200));
      const message = yield* conn.recv();
      raw.socket.end();
      let eof: unknown = null;
      try {
        yield* conn.recv();
      } catch (e) {
        eof = e;
      }
      conn.close();
      ch.close();
      yield* awaitPromise(raw.received);
      // The sockets are released asynchronously: give Node a bounded number of turns.
      for (let i = 0; i < 1000 && tcpHandles() > before; i++) yield* sleep(1);
      return { first, state, exc: receiver.exception, message, eof };
    });
    expect(got.first).toBe('first');
    expect(got.state).toBe('READ_WAIT');
    expect(got.exc).toBeInstanceOf(TaskCancelled);
    expect(got.message).toEqual({ big: 'x'.repeat(1000) });
    expect(got.eof).toBeInstanceOf(EOFError);
    expect(tcpHandles()).toBe(before);
  });

  it('cancelling accept during a handshake closes that half-authenticated connection', async () => {
    const before = await quiesce();
    const got = await run(function* () {
      const ch = yield* listening();
      const acceptor = yield* spawn(() => ch.accept({ authkey: 'k' }));
      const raw = rawClient(portOf(ch)); // says nothing: the handshake waits on it
      yield* awaitPromise(raw.firstData); // the challenge has arrived: the server waits for a digest
      const state = acceptor.state;
      yield* acceptor.cancel();
      const rawGot = yield* awaitPromise(raw.received); // settles because the server closed it
      ch.close();
      for (let i = 0; i < 1000 && tcpHandles() > before; i++) yield* sleep(1);
      return { state, exc: acceptor.exception, rawGot };
    });
    expect(got.state).toBe('READ_WAIT');
    expect(got.exc).toBeInstanceOf(TaskCancelled);
    expect(got.rawGot.subarray(4, 15).toString()).toBe('#CHALLENGE#');
    expect(tcpHandles()).toBe(before);
  });
});
