import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn as spawnProcess } from 'node:child_process';
import { once } from 'node:events';
import { run, spawn, ReadResourceBusy, TaskCancelled, type Operation } from '@curio/kernel';
import { Stream, SocketStream, IncompleteReadError, LimitOverrunError, IOError, SHUT_WR, SHUT_RDWR, type Socket } from '../src/index.js';
import { tcpPair, parkedIn } from './net-helpers.js';

/** Runs `body` with a connected TCP pair as streams, closing everything afterwards. */
function withPair<T>(body: (client: Socket, peer: Socket) => Operation<T>): Promise<T> {
  return run(function* () {
    const [client, peer, server] = yield* tcpPair();
    try {
      return yield* body(client, peer);
    } finally {
      client.close();
      peer.close();
      server.close();
    }
  });
}

describe('SocketStream reads', () => {
  it('read(n) returns at most n bytes; read() whatever is available; empty at the end', async () => {
    const out = await withPair(function* (client, peer) {
      const s = peer.asStream();
      yield* client.sendall('abcdefgh');
      const a = yield* s.read(3);
      let rest = Buffer.alloc(0);
      while (rest.length < 5) rest = Buffer.concat([rest, yield* s.read()]);
      client.shutdown(SHUT_RDWR);
      const end = yield* s.read();
      const zero = yield* s.read(0);
      return [a.toString(), rest.toString(), end.length, zero.length];
    });
    expect(out).toEqual(['abc', 'defgh', 0, 0]);
  });

  it('readAll returns everything up to the end of the stream', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 'x');
    const got = await withPair(function* (client, peer) {
      const reader = yield* spawn(function* () {
        return yield* peer.asStream().readAll();
      });
      yield* client.sendall(big);
      client.shutdown(SHUT_WR);
      return yield* reader.join();
    });
    expect(got.equals(big)).toBe(true);
  });

  it('readExactly gathers exactly n bytes across separate sends', async () => {
    const got = await withPair(function* (client, peer) {
      const s = peer.asStream();
      const reader = yield* spawn(function* () {
        return [(yield* s.readExactly(6)).toString(), (yield* s.readExactly(2)).toString()];
      });
      for (const part of ['ab', 'cd', 'ef', 'gh']) {
        yield* client.sendall(part);
        yield* parkedIn(reader, 'READ_WAIT');
      }
      return yield* reader.join();
    });
    expect(got).toEqual(['abcdef', 'gh']);
  });

  it('readExactly fails with IncompleteReadError carrying the partial data when the stream ends early', async () => {
    const err = await withPair(function* (client, peer) {
      yield* client.sendall('only');
      client.shutdown(SHUT_WR);
      try {
        yield* peer.asStream().readExactly(10);
        return null;
      } catch (e) {
        return e;
      }
    });
    expect(err).toBeInstanceOf(IncompleteReadError);
    const e = err as IncompleteReadError;
    expect(e.partial.toString()).toBe('only');
    expect(e.expected).toBe(10);
    expect(e.message).toMatch(/readExactly\(\): the stream ended after 4 of 10 bytes/);
  });

  it('readline splits lines across sends, returns the last partial line, then empty lines', async () => {
    const lines = await withPair(function* (client, peer) {
      const s = peer.asStream();
      yield* client.sendall('first li');
      yield* client.sendall('ne\nsecond line\nthi');
      yield* client.sendall('rd');
      client.shutdown(SHUT_WR);
      const got: string[] = [];
      for (;;) {
        const line = yield* s.readline();
        if (!line.length) break;
        got.push(line.toString());
      }
      got.push(`after end: ${(yield* s.readline()).length}`);
      return got;
    });
    expect(lines).toEqual(['first line\n', 'second line\n', 'third', 'after end: 0']);
  });

  it('readline refuses a line longer than 64 KiB with LimitOverrunError; the bytes stay buffered and the stream usable', async () => {
    const long = 'x'.repeat(200_000);
    const out = await withPair(function* (client, peer) {
      const s = peer.asStream();
      const sender = yield* spawn(function* () {
        yield* client.sendall(`${long}\nnext\n`);
      });
      let error: unknown = null;
      try {
        yield* s.readline();
      } catch (e) {
        error = e;
      }
      // Nothing was taken: the long line can be skipped with plain reads, then lines go on.
      const skipped = (yield* s.readExactly(long.length + 1)).toString();
      const next = (yield* s.readline()).toString();
      yield* sender.join();
      return { error, skipped, next };
    });
    expect(out.error).toBeInstanceOf(LimitOverrunError);
    const e = out.error as LimitOverrunError;
    expect(e.limit).toBe(64 * 1024);
    // The reader stopped at the limit instead of buffering the whole line.
    expect(e.consumed).toBeGreaterThan(64 * 1024);
    expect(e.consumed).toBeLessThan(long.length);
    expect(e.message).toMatch(/^readline\(\): no end of line in the first 65536 bytes/);
    expect(out.skipped).toBe(`${long}\n`);
    expect(out.next).toBe('next\n');
  });

  it('maxLineLength sets the limit; a line of exactly that length (with its newline) is fine', async () => {
    const out = await withPair(function* (client, peer) {
      const s = peer.asStream({ maxLineLength: 8 });
      yield* client.sendall('1234567\n12345678\nrest');
      client.shutdown(SHUT_WR);
      const first = (yield* s.readline()).toString();
      const errors: string[] = [];
      for (let i = 0; i < 2; i++) {
        try {
          yield* s.readline();
        } catch (e) {
          errors.push(`${(e as Error).name} ${(e as LimitOverrunError).consumed}`);
        }
      }
      const rest = (yield* s.readAll()).toString();
      return { first, errors, rest, limit: s.maxLineLength };
    });
    expect(out).toEqual({ first: '1234567\n', errors: ['LimitOverrunError 9', 'LimitOverrunError 9'], rest: '12345678\nrest', limit: 8 });
  });

  it('readAll(maxBytes) refuses a stream longer than maxBytes and leaves it buffered', async () => {
    const out = await withPair(function* (client, peer) {
      const s = peer.asStream();
      yield* client.sendall(Buffer.alloc(100_000, 1));
      client.shutdown(SHUT_WR);
      let error: unknown = null;
      try {
        yield* s.readAll(1000);
      } catch (e) {
        error = e;
      }
      return { error, all: (yield* s.readAll()).length };
    });
    expect(out.error).toBeInstanceOf(LimitOverrunError);
    expect((out.error as Error).message).toMatch(/^readAll\(\): more than 1000 bytes/);
    expect(out.all).toBe(100_000);
  });

  it('readlines returns every line up to the end', async () => {
    const lines = await withPair(function* (client, peer) {
      yield* client.sendall('a\nbb\n\nccc');
      client.shutdown(SHUT_WR);
      return (yield* peer.asStream().readlines()).map((l) => l.toString());
    });
    expect(lines).toEqual(['a\n', 'bb\n', '\n', 'ccc']);
  });

  it('forEachLine walks the lines with a generator or plain body and stops when the body returns false', async () => {
    const out = await withPair(function* (client, peer) {
      const s = peer.asStream();
      yield* client.sendall('one\ntwo\nthree\nfour\n');
      client.shutdown(SHUT_WR);
      const seen: string[] = [];
      yield* s.forEachLine(function* (line) {
        seen.push(line.toString().trim());
        yield* peer.sendall(line);
        return line.toString() !== 'two\n';
      });
      const rest: string[] = [];
      yield* s.forEachLine((line) => {
        rest.push(line.toString().trim());
      });
      const echoed = yield* client.asStream().readExactly(8);
      return { seen, rest, echoed: echoed.toString() };
    });
    expect(out).toEqual({ seen: ['one', 'two'], rest: ['three', 'four'], echoed: 'one\ntwo\n' });
  });

  it('shares the buffer with the socket: stream and recv reads interleave, and one task reads at a time', async () => {
    const out = await withPair(function* (client, peer) {
      const s = peer.asStream();
      yield* client.sendall('line one\nrest');
      const line = yield* s.readline();
      const rest = yield* s.readExactly(4);
      const waiting = yield* spawn(function* () {
        return yield* s.readline();
      });
      yield* parkedIn(waiting, 'READ_WAIT');
      let busy: unknown = null;
      try {
        yield* peer.recv(10);
      } catch (e) {
        busy = e;
      }
      yield* client.sendall('tail\n');
      const tail = yield* waiting.join();
      return { line: line.toString(), rest: rest.toString(), busy, tail: tail.toString() };
    });
    expect(out.line).toBe('line one\n');
    expect(out.rest).toBe('rest');
    expect(out.busy).toBeInstanceOf(ReadResourceBusy);
    expect(out.tail).toBe('tail\n');
  });
});

describe('SocketStream writes and closing', () => {
  it('write, writelines and flush deliver the bytes in order', async () => {
    const got = await withPair(function* (client, peer) {
      const s = client.asStream();
      yield* s.write('head:');
      yield* s.writelines(['a', Buffer.from('b'), new Uint8Array([99])]);
      yield* s.flush();
      s.close();
      return (yield* peer.asStream().readAll()).toString();
    });
    expect(got).toBe('head:abc');
  });

  it('rejects what is not bytes with a clear TypeError', async () => {
    const errors = await withPair(function* (client) {
      const s = client.asStream();
      const out: string[] = [];
      for (const bad of [() => s.write(42 as unknown as string), () => s.writelines(7 as unknown as string[]), () => s.writelines([{} as unknown as string])]) {
        try {
          yield* bad();
        } catch (e) {
          out.push((e as Error).message);
        }
      }
      return out;
    });
    expect(errors).toEqual([
      'write(): expected a Buffer, Uint8Array or string, got 42',
      'writelines(): expected an iterable of Buffers or strings',
      'writelines(): expected a Buffer, Uint8Array or string, got an object',
    ]);
  });

  it('close closes the socket (and is idempotent); using disposes the stream', async () => {
    const out = await withPair(function* (client, peer) {
      const s = client.asStream();
      expect(s).toBeInstanceOf(SocketStream);
      expect(s.socket).toBe(client);
      {
        using d = s;
        yield* d.write('bye');
      }
      s.close();
      const closed = client.closed;
      const data = yield* peer.asStream().readAll();
      let err: unknown = null;
      try {
        yield* s.read();
      } catch (e) {
        err = e;
      }
      return { closed, data: data.toString(), err };
    });
    expect(out.closed).toBe(true);
    expect(out.data).toBe('bye');
    expect(out.err).toMatchObject({ code: 'EBADF' });
  });
});

describe('cancelled stream reads lose nothing', () => {
  it('a cancelled readExactly leaves the partial bytes for the next read', async () => {
    const out = await withPair(function* (client, peer) {
      const s = peer.asStream();
      const t = yield* spawn(function* () {
        return yield* s.readExactly(10);
      });
      yield* client.sendall('12345');
      yield* parkedIn(t, 'READ_WAIT');
      yield* t.cancel();
      yield* client.sendall('67890');
      return { exception: t.exception, data: (yield* s.readExactly(10)).toString() };
    });
    expect(out.exception).toBeInstanceOf(TaskCancelled);
    expect(out.data).toBe('1234567890');
  });

  it('a cancelled readline leaves the partial line for the next readline', async () => {
    const out = await withPair(function* (client, peer) {
      const s = peer.asStream();
      const t = yield* spawn(function* () {
        return yield* s.readline();
      });
      yield* client.sendall('partial ');
      yield* parkedIn(t, 'READ_WAIT');
      yield* t.cancel();
      yield* client.sendall('line\n');
      return { exception: t.exception, line: (yield* s.readline()).toString() };
    });
    expect(out.exception).toBeInstanceOf(TaskCancelled);
    expect(out.line).toBe('partial line\n');
  });

  it('a cancelled readAll leaves everything received for the next read', async () => {
    const out = await withPair(function* (client, peer) {
      const s = peer.asStream();
      const t = yield* spawn(function* () {
        return yield* s.readAll();
      });
      yield* client.sendall('kept bytes');
      yield* parkedIn(t, 'READ_WAIT');
      yield* t.cancel();
      client.shutdown(SHUT_WR);
      return { exception: t.exception, data: (yield* s.readAll()).toString() };
    });
    expect(out.exception).toBeInstanceOf(TaskCancelled);
    expect(out.data).toBe('kept bytes');
  });
});

describe('Stream over plain Node streams', () => {
  it('reads lines from a file read stream', async () => {
    const file = path.join(os.tmpdir(), `curio-io-stream-${process.pid}-${Date.now()}.txt`);
    fs.writeFileSync(file, 'alpha\nbeta\ngamma');
    try {
      const lines = await run(function* () {
        using s = Stream.fromNode(fs.createReadStream(file), null);
        return (yield* s.readlines()).map((l) => l.toString());
      });
      expect(lines).toEqual(['alpha\n', 'beta\n', 'gamma']);
    } finally {
      fs.unlinkSync(file);
    }
  });

  it('talks to a child process over its pipes', async () => {
    const child = spawnProcess(process.execPath, ['-e', "process.stdin.on('data', (d) => process.stdout.write(String(d).toUpperCase()))"], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const out = await run(function* () {
      const s = Stream.fromNode(child.stdout, child.stdin);
      yield* s.write('hello pipe\n');
      const line = yield* s.readline();
      s.close();
      return line.toString();
    });
    expect(out).toBe('HELLO PIPE\n');
    expect(await exited).toBe(0);
  });

  it('a write-only or read-only stream refuses the other direction with EBADF', async () => {
    const file = path.join(os.tmpdir(), `curio-io-stream-w-${process.pid}-${Date.now()}.txt`);
    const ws = fs.createWriteStream(file);
    const wsClosed = once(ws, 'close');
    try {
      const errors = await run(function* () {
        const w = Stream.fromNode(null, ws);
        const out: unknown[] = [];
        try {
          yield* w.read();
        } catch (e) {
          out.push(e);
        }
        yield* w.write('written');
        w.close();
        const r = Stream.fromNode(fs.createReadStream(__filename), null);
        try {
          yield* r.write('x');
        } catch (e) {
          out.push(e);
        }
        r.close();
        return out;
      });
      await wsClosed;
      expect(fs.readFileSync(file, 'utf8')).toBe('written');
      expect(errors).toHaveLength(2);
      expect(errors[0]).toBeInstanceOf(IOError);
      expect(errors[0]).toMatchObject({ code: 'EBADF', message: expect.stringMatching(/read\(\).*not readable/) });
      expect(errors[1]).toMatchObject({ code: 'EBADF', message: expect.stringMatching(/write\(\).*not writable/) });
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
