import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { run, spawn, sleep, timeoutAfter, setCancellation, Kernel, VirtualClock, TaskTimeout, TaskCancelled, ReadResourceBusy, WriteResourceBusy, type Operation, type Task } from '@curio/kernel';
import { getaddrinfo } from '../src/index.js';
import { parkedIn } from './net-helpers.js';
import { aopen, AsyncFile, SEEK_CUR, SEEK_END, SEEK_SET } from '../src/file/file.js';
import { ClosedFileError, UnsupportedOperation } from '../src/file/errors.js';
import { IOError } from '../src/io-error.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-file-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
/** A fresh path in the test directory, optionally with content. */
function tmpfile(content?: string | Buffer): string {
  const p = path.join(dir, `f${++counter}.txt`);
  if (content !== undefined) fs.writeFileSync(p, content);
  return p;
}

function fifo(): string {
  const p = path.join(dir, `fifo${++counter}`);
  execFileSync('mkfifo', [p]);
  return p;
}

/** True if `fd` is no longer an open descriptor of this process. */
function fdClosed(fd: number): boolean {
  try {
    fs.fstatSync(fd);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EBADF';
  }
}

/** Descriptors of this process that refer to `p` (Linux: /proc/self/fd). */
function fdsFor(p: string): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${entry}`) === p) out.push(Number(entry));
    } catch {
      // the descriptor closed while we looked
    }
  }
  return out;
}

/** Opens both ends of a FIFO (opening the write end waits until the read end is open). */
function* openFifo(p: string): Operation<[AsyncFile<Buffer>, AsyncFile<Buffer>]> {
  const opener = yield* spawn(() => aopen(p, 'rb'));
  const w = yield* aopen(p, 'wb');
  const r = yield* opener.join();
  return [r, w];
}

const LINES = 'line 1\nline 2\nline 3\n';

describe('aopen modes', () => {
  it('rejects bad mode strings with a RangeError naming the mode', async () => {
    const p = tmpfile(LINES);
    for (const mode of ['rw', 'z', 'rr', 'rbt', '', '+', 'b']) {
      await expect(run(() => aopen(p, mode))).rejects.toThrow(RangeError);
      await expect(run(() => aopen(p, mode))).rejects.toThrow(`invalid mode '${mode}'`);
    }
  });

  it('rejects a non-string mode, a bad path type and an encoding in binary mode with a TypeError', async () => {
    const p = tmpfile(LINES);
    await expect(run(() => aopen(p, 5 as unknown as string))).rejects.toThrow(TypeError);
    await expect(run(() => aopen(42 as unknown as string, 'r'))).rejects.toThrow('path must be a string, Buffer or URL, got 42');
    await expect(run(() => aopen(p, 5 as unknown as string))).rejects.toThrow("mode must be a string such as 'r' or 'wb', got 5");
    await expect(run(() => aopen(p, 'rb', { encoding: 'utf-8' }))).rejects.toThrow('binary mode');
    await expect(run(() => aopen(p, 'r', { encoding: 'klingon' }))).rejects.toThrow(RangeError);
  });

  it('accepts the mode characters in any order', async () => {
    const p = tmpfile(LINES);
    const data = await run(function* () {
      const f = yield* aopen(p, 'b+r');
      try {
        return yield* f.read();
      } finally {
        yield* f.aclose();
      }
    });
    expect(data).toEqual(Buffer.from(LINES));
  });

  it("'w' truncates an existing file and 'x' refuses one", async () => {
    const p = tmpfile('old content that is long');
    await run(function* () {
      const f = yield* aopen(p, 'w');
      yield* f.write('new');
      yield* f.aclose();
    });
    expect(fs.readFileSync(p, 'utf8')).toBe('new');
    const err = await run(() => aopen(p, 'x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IOError);
    expect((err as IOError).code).toBe('EEXIST');
  });

  it("'x' creates a new file", async () => {
    const p = tmpfile();
    await run(function* () {
      const f = yield* aopen(p, 'x');
      yield* f.write('fresh');
      yield* f.aclose();
    });
    expect(fs.readFileSync(p, 'utf8')).toBe('fresh');
  });

  it("'a' appends, and tell() after an append is the end of the file", async () => {
    const p = tmpfile('abc');
    const pos = await run(function* () {
      const f = yield* aopen(p, 'a');
      yield* f.write('def');
      yield* f.write('gh');
      const at = yield* f.tell();
      yield* f.aclose();
      return at;
    });
    expect(fs.readFileSync(p, 'utf8')).toBe('abcdefgh');
    expect(pos).toBe(8);
  });

  it("'a+' starts at the end, reads after a seek, and still writes at the end", async () => {
    const p = tmpfile('abc');
    const got = await run(function* () {
      const f = yield* aopen(p, 'a+');
      const start = yield* f.tell();
      const atEnd = yield* f.read();
      yield* f.seek(0);
      const all = yield* f.read(2);
      yield* f.write('Z');
      const after = yield* f.tell();
      yield* f.aclose();
      return { start, atEnd, all, after };
    });
    expect(got).toEqual({ start: 3, atEnd: '', all: 'ab', after: 4 });
    expect(fs.readFileSync(p, 'utf8')).toBe('abcZ');
  });

  it('reports ENOENT with the path in the message', async () => {
    const p = path.join(dir, 'does-not-exist.txt');
    const err = (await run(() => aopen(p, 'r')).catch((e: unknown) => e)) as NodeJS.ErrnoException;
    expect(err).toBeInstanceOf(IOError);
    expect(err.code).toBe('ENOENT');
    expect(err.message).toContain(p);
  });

  it('refuses to open a directory with EISDIR', async () => {
    const err = (await run(() => aopen(dir, 'r')).catch((e: unknown) => e)) as NodeJS.ErrnoException;
    expect(err).toBeInstanceOf(IOError);
    expect(err.code).toBe('EISDIR');
    expect(err.message).toContain(dir);
  });
});

describe('reading', () => {
  it('reads a whole text file with read() and readAll()', async () => {
    const p = tmpfile(LINES);
    const [a, b] = await run(function* () {
      const f = yield* aopen(p);
      const first = yield* f.read();
      yield* f.seek(0);
      const second = yield* f.readAll();
      yield* f.aclose();
      return [first, second];
    });
    expect(a).toBe(LINES);
    expect(b).toBe(LINES);
  });

  it('read(n) in binary mode gives n bytes, then the rest, then an empty Buffer', async () => {
    const p = tmpfile(LINES);
    const parts = await run(function* () {
      const f = yield* aopen(p, 'rb');
      const out = [yield* f.read(4), yield* f.read(0), yield* f.read(100), yield* f.read(5)];
      yield* f.aclose();
      return out;
    });
    expect(parts).toEqual([Buffer.from('line'), Buffer.alloc(0), Buffer.from(LINES.slice(4)), Buffer.alloc(0)]);
  });

  it('walks lines with the readline loop idiom, the last line without a newline', async () => {
    const p = tmpfile('one\ntwo\n\nlast');
    const lines = await run(function* () {
      const f = yield* aopen(p);
      const out: string[] = [];
      for (;;) {
        const line = yield* f.readline();
        if (line.length === 0) break;
        out.push(line);
      }
      yield* f.aclose();
      return out;
    });
    expect(lines).toEqual(['one\n', 'two\n', '\n', 'last']);
  });

  it('readlines() gives the remaining lines', async () => {
    const p = tmpfile(LINES);
    const lines = await run(function* () {
      const f = yield* aopen(p);
      const first = yield* f.readline();
      const rest = yield* f.readlines();
      yield* f.aclose();
      return [first, ...rest];
    });
    expect(lines).toEqual(['line 1\n', 'line 2\n', 'line 3\n']);
  });

  it('forEachLine() calls a plain function or waits on a generator function per line; false stops', async () => {
    const p = tmpfile(LINES);
    const out = tmpfile();
    const seen = await run(function* () {
      const f = yield* aopen(p);
      const g = yield* aopen(out, 'w');
      const plain: string[] = [];
      yield* f.forEachLine((line) => plain.push(line.trim()));
      yield* f.seek(0);
      yield* f.forEachLine(function* (line) {
        yield* g.write(line.toUpperCase());
      });
      yield* f.seek(0);
      const upToTwo: string[] = [];
      yield* f.forEachLine((line) => {
        upToTwo.push(line);
        return !line.includes('2'); // false stops
      });
      const after = yield* f.readline();
      yield* f.aclose();
      yield* g.aclose();
      return { plain, upToTwo, after };
    });
    expect(seen).toEqual({ plain: ['line 1', 'line 2', 'line 3'], upToTwo: ['line 1\n', 'line 2\n'], after: 'line 3\n' });
    expect(fs.readFileSync(out, 'utf8')).toBe(LINES.toUpperCase());
  });

  it('reads lines longer than the read chunk, binary and text', async () => {
    const long = 'x'.repeat(200_000);
    const p = tmpfile(`${long}\nshort\n${long}`);
    const [bin, text] = await run(function* () {
      const f = yield* aopen(p, 'rb');
      const b = yield* f.readlines();
      yield* f.aclose();
      const t = yield* aopen(p);
      const s = yield* t.readlines();
      yield* t.aclose();
      return [b, s];
    });
    expect(bin.map((b) => b.toString())).toEqual([`${long}\n`, 'short\n', long]);
    expect(text).toEqual([`${long}\n`, 'short\n', long]);
  });
});

describe('text decoding', () => {
  it('decodes a multi-byte UTF-8 character split across two OS reads', async () => {
    // 65535 ASCII bytes then a 3-byte character: the first 64 KiB read ends inside it.
    const text = 'a'.repeat(65535) + '€uro ✓ 𝄞 end';
    const p = tmpfile(text);
    const got = await run(function* () {
      const f = yield* aopen(p);
      const head = yield* f.read(65536);
      const rest = yield* f.read();
      yield* f.aclose();
      return [head, rest];
    });
    expect(got[0]).toBe('a'.repeat(65535) + '€');
    expect(got[1]).toBe('uro ✓ 𝄞 end');
  });

  it('read(n) counts characters (code points), not bytes', async () => {
    const p = tmpfile('é€𝄞z');
    const parts = await run(function* () {
      const f = yield* aopen(p);
      const out = [yield* f.read(1), yield* f.read(1), yield* f.read(1), yield* f.read(5)];
      const pos = yield* f.tell();
      yield* f.aclose();
      return { out, pos };
    });
    expect(parts.out).toEqual(['é', '€', '𝄞', 'z']);
    expect(parts.pos).toBe(Buffer.byteLength('é€𝄞z'));
  });

  it('keeps an incomplete character from a pipe until its last byte arrives', async () => {
    const p = fifo();
    const got = await run(function* () {
      const opener = yield* spawn(() => aopen(p, 'r'));
      const w = yield* aopen(p, 'wb');
      const r = yield* opener.join();
      const euro = Buffer.from('€');
      yield* w.write(euro.subarray(0, 1));
      const reader = yield* spawn(() => r.read(1));
      yield* sleep(0);
      yield* w.write(euro.subarray(1));
      const ch = yield* reader.join();
      yield* w.aclose();
      const rest = yield* r.read();
      yield* r.aclose();
      return [ch, rest];
    });
    expect(got).toEqual(['€', '']);
  });

  it('round-trips latin1 and utf-16le, with readline', async () => {
    const p1 = tmpfile();
    const p2 = tmpfile();
    const got = await run(function* () {
      const a = yield* aopen(p1, 'w+', { encoding: 'latin1' });
      yield* a.write('café\nnaïve\n');
      yield* a.seek(0);
      const la = yield* a.readlines();
      yield* a.aclose();
      const b = yield* aopen(p2, 'w+', { encoding: 'UTF-16LE' });
      yield* b.write('ḧi\n𝄞 clef\n\u0a0a\n');
      yield* b.seek(0);
      const lb = yield* b.readlines();
      const enc = b.encoding;
      yield* b.aclose();
      return { la, lb, enc };
    });
    expect(got.la).toEqual(['café\n', 'naïve\n']);
    expect(fs.statSync(p1).size).toBe(11);
    // U+0A0A is the bytes 0A 0A: not a newline in UTF-16LE.
    expect(got.lb).toEqual(['ḧi\n', '𝄞 clef\n', '\u0a0a\n']);
    expect(got.enc).toBe('utf-16le');
    expect(fs.readFileSync(p2).toString('utf16le')).toBe('ḧi\n𝄞 clef\n\u0a0a\n');
  });
});

describe('writing, seeking and truncating', () => {
  it('write() and writelines() put the data in the file and return the count', async () => {
    const p = tmpfile();
    const n = await run(function* () {
      const f = yield* aopen(p, 'w');
      const count = yield* f.write('héllo\n');
      yield* f.writelines(['a\n', 'b\n']);
      yield* f.flush();
      yield* f.aclose();
      return count;
    });
    expect(n).toBe(6);
    expect(fs.readFileSync(p, 'utf8')).toBe('héllo\na\nb\n');
  });

  it('binary write accepts Buffer and Uint8Array and returns bytes written', async () => {
    const p = tmpfile();
    const n = await run(function* () {
      const f = yield* aopen(p, 'wb');
      const count = yield* f.write(Buffer.from('abc'));
      yield* f.write(new Uint8Array([100, 101]) as Buffer);
      yield* f.aclose();
      return count;
    });
    expect(n).toBe(3);
    expect(fs.readFileSync(p, 'utf8')).toBe('abcde');
  });

  it('rejects the wrong data type for the mode with a TypeError', async () => {
    const p = tmpfile();
    const errs = await run(function* () {
      const t = yield* aopen(p, 'w');
      const b = yield* aopen(p, 'wb');
      const out: unknown[] = [];
      for (const op of [() => t.write(Buffer.from('x') as unknown as string), () => b.write('x' as unknown as Buffer), () => t.writelines([1 as unknown as string])]) {
        try {
          yield* op();
        } catch (e) {
          out.push(e);
        }
      }
      yield* t.aclose();
      yield* b.aclose();
      return out;
    });
    expect(errs).toHaveLength(3);
    for (const e of errs) expect(e).toBeInstanceOf(TypeError);
    expect(String(errs[0])).toContain('text mode');
    expect(String(errs[1])).toContain('binary mode');
  });

  it('seek/tell with SEEK_SET, SEEK_CUR and SEEK_END', async () => {
    const p = tmpfile(LINES);
    const got = await run(function* () {
      const f = yield* aopen(p, 'rb');
      const out: unknown[] = [];
      out.push(yield* f.seek(10));
      out.push(yield* f.tell());
      out.push((yield* f.read()).toString());
      out.push(yield* f.seek(-3, SEEK_END));
      out.push((yield* f.read(2)).toString());
      out.push(yield* f.seek(-4, SEEK_CUR));
      out.push((yield* f.read(1)).toString());
      out.push(yield* f.seek(0, SEEK_SET));
      yield* f.aclose();
      return out;
    });
    expect(got).toEqual([10, 10, LINES.slice(10), 18, ' 3', 16, 'n', 0]);
  });

  it('seek rejects a bad whence and a negative position with a RangeError', async () => {
    const p = tmpfile(LINES);
    const errs = await run(function* () {
      const f = yield* aopen(p);
      const out: unknown[] = [];
      for (const op of [() => f.seek(0, 3), () => f.seek(-1), () => f.seek(-100, SEEK_END), () => f.seek(1.5)]) {
        try {
          yield* op();
        } catch (e) {
          out.push(e);
        }
      }
      const pos = yield* f.tell();
      yield* f.aclose();
      return { out, pos };
    });
    expect(errs.out.map((e) => (e as Error).constructor)).toEqual([RangeError, RangeError, RangeError, TypeError]);
    expect(String(errs.out[0])).toContain('whence');
    expect(errs.pos).toBe(0);
  });

  it("'r+' writes at the position the caller has read to, not past the read-ahead", async () => {
    const p = tmpfile('hello world');
    const after = await run(function* () {
      const f = yield* aopen(p, 'r+');
      yield* f.read(5);
      yield* f.write('XY');
      const pos = yield* f.tell();
      const rest = yield* f.read();
      yield* f.aclose();
      return [pos, rest];
    });
    expect(fs.readFileSync(p, 'utf8')).toBe('helloXYorld');
    expect(after).toEqual([7, 'orld']);
  });

  it('truncate() cuts at the position by default, or at a given size, and keeps the position', async () => {
    const p = tmpfile('0123456789');
    const got = await run(function* () {
      const f = yield* aopen(p, 'r+b');
      yield* f.read(6);
      const a = yield* f.truncate();
      const sizeA = fs.statSync(p).size;
      const b = yield* f.truncate(2);
      const pos = yield* f.tell();
      yield* f.aclose();
      return { a, sizeA, b, pos };
    });
    expect(got).toEqual({ a: 6, sizeA: 6, b: 2, pos: 6 });
    expect(fs.readFileSync(p, 'utf8')).toBe('01');
  });
});

describe('errors', () => {
  it('reading a write-only file and writing a read-only file raise UnsupportedOperation', async () => {
    const p = tmpfile(LINES);
    const errs = await run(function* () {
      const r = yield* aopen(p, 'r');
      const w = yield* aopen(tmpfile(), 'a');
      const out: unknown[] = [];
      for (const op of [() => w.read(), () => w.readline(), () => r.write('x'), () => r.truncate()]) {
        try {
          yield* op();
        } catch (e) {
          out.push(e);
        }
      }
      yield* r.aclose();
      yield* w.aclose();
      return out;
    });
    expect(errs).toHaveLength(4);
    for (const e of errs) expect(e).toBeInstanceOf(UnsupportedOperation);
    expect(String(errs[0])).toContain('not readable');
    expect(String(errs[2])).toContain('not writable');
  });

  it('close() is a plain method, like every close() in Curio: called without yield* it still releases the descriptor', async () => {
    const p = tmpfile();
    const got = await run(function* () {
      const f = yield* aopen(p, 'w');
      const fd = f.fileno();
      try {
        yield* f.write('data');
      } finally {
        f.close(); // no yield*: the mistake the old operation form let through silently
      }
      const closedAtOnce = f.closed;
      let turns = 0;
      while (!fdClosed(fd)) {
        yield* sleep(1);
        turns++;
      }
      return { closedAtOnce, turns };
    });
    expect(got.closedAtOnce).toBe(true);
    expect(fs.readFileSync(p, 'utf8')).toBe('data');
  });

  it('aclose() is the operation form: it returns once the descriptor is released', async () => {
    const p = tmpfile(LINES);
    const got = await run(function* () {
      const f = yield* aopen(p);
      const fd = f.fileno();
      yield* f.aclose();
      return { fdClosed: fdClosed(fd), closed: f.closed };
    });
    expect(got).toEqual({ fdClosed: true, closed: true });
  });

  it('a closed file raises ClosedFileError, and close() is idempotent', async () => {
    const p = tmpfile(LINES);
    const got = await run(function* () {
      const f = yield* aopen(p);
      const fd = f.fileno();
      yield* f.aclose();
      yield* f.aclose();
      const out: unknown[] = [];
      for (const op of [() => f.read(), () => f.write('x'), () => f.seek(0), () => f.tell()]) {
        try {
          yield* op();
        } catch (e) {
          out.push(e);
        }
      }
      let filenoError: unknown = null;
      try {
        f.fileno();
      } catch (e) {
        filenoError = e;
      }
      return { out, fd, closed: f.closed, filenoError };
    });
    expect(got.closed).toBe(true);
    expect(got.out).toHaveLength(4);
    for (const e of got.out) expect(e).toBeInstanceOf(ClosedFileError);
    expect(String(got.out[0])).toContain('closed file');
    expect(got.filenoError).toBeInstanceOf(ClosedFileError);
    expect(fdClosed(got.fd)).toBe(true);
  });

  it('an OS error during a write is an IOError naming the operation and the path', async () => {
    const p = fifo();
    const err = await run(function* () {
      const [r, w] = yield* openFifo(p);
      yield* r.aclose(); // no reader left: writing gets EPIPE
      try {
        yield* w.write(Buffer.from('into the void'));
        return null;
      } catch (e) {
        return e;
      } finally {
        yield* w.aclose();
      }
    });
    expect(err).toBeInstanceOf(IOError);
    expect((err as IOError).code).toBe('EPIPE');
    expect(String(err)).toContain(`write '${p}'`);
  });

  it('seek and tell on a FIFO raise UnsupportedOperation', async () => {
    const p = fifo();
    const errs = await run(function* () {
      const [r, w] = yield* openFifo(p);
      const out: unknown[] = [];
      for (const op of [() => r.seek(0), () => w.tell()]) {
        try {
          yield* op();
        } catch (e) {
          out.push(e);
        }
      }
      yield* w.aclose();
      yield* r.aclose();
      return out;
    });
    expect(errs).toHaveLength(2);
    for (const e of errs) expect(e).toBeInstanceOf(UnsupportedOperation);
    expect(String(errs[0])).toContain('not seekable');
  });
});

describe('concurrency and cancellation', () => {
  it('a second reader gets ReadResourceBusy while the first is blocked', async () => {
    const p = fifo();
    const got = await run(function* () {
      const [r, w] = yield* openFifo(p);
      const first = yield* spawn(() => r.read(5));
      yield* sleep(0);
      let busy: unknown = null;
      try {
        yield* r.read(1);
      } catch (e) {
        busy = e;
      }
      yield* w.write(Buffer.from('hello'));
      const data = yield* first.join();
      yield* w.aclose();
      yield* r.aclose();
      return { busy, data };
    });
    expect(got.busy).toBeInstanceOf(ReadResourceBusy);
    expect(String(got.busy)).toContain('busy');
    expect(got.data).toEqual(Buffer.from('hello'));
  });

  it('a second writer gets WriteResourceBusy while the first is writing', async () => {
    const p = tmpfile();
    const busy = await run(function* () {
      const f = yield* aopen(p, 'w');
      const writer = yield* spawn(() => f.write('first'));
      yield* sleep(0);
      let err: unknown = null;
      try {
        yield* f.write('second');
      } catch (e) {
        err = e;
      }
      yield* writer.join();
      yield* f.aclose();
      return err;
    });
    expect(busy).toBeInstanceOf(WriteResourceBusy);
    expect(fs.readFileSync(p, 'utf8')).toBe('first');
  });

  it('a cancelled read loses no data: what it fetched is returned by the next read; close frees the fd', async () => {
    const p = fifo();
    const got = await run(function* () {
      const [r, w] = yield* openFifo(p);
      const fds = [r.fileno(), w.fileno()];
      const reader = yield* spawn(() => r.read(5));
      yield* sleep(0);
      expect(reader.state).toBe('READ_WAIT');
      yield* reader.cancel();
      // The OS read the cancelled task started is still pending: feed it.
      yield* w.write(Buffer.from('hello'));
      const data = yield* r.read(5);
      yield* r.aclose();
      yield* w.aclose();
      return { data, fds, exc: reader.exception };
    });
    expect(got.exc).toBeInstanceOf(TaskCancelled);
    expect(got.data).toEqual(Buffer.from('hello'));
    expect(got.fds.map(fdClosed)).toEqual([true, true]);
  });

  it('a read that times out keeps the data for the next read (virtual clock)', async () => {
    const p = fifo();
    const kernel = new Kernel({ clock: new VirtualClock() });
    const got = await kernel.run(function* () {
      const [r, w] = yield* openFifo(p);
      let timedOut: unknown = null;
      try {
        yield* timeoutAfter(1000, r.readline());
      } catch (e) {
        timedOut = e;
      }
      yield* w.write(Buffer.from('partial line\n'));
      const line = yield* r.readline();
      yield* w.aclose();
      yield* r.aclose();
      return { timedOut, line: line.toString() };
    });
    await kernel.shutdown();
    expect(got.timedOut).toBeInstanceOf(TaskTimeout);
    expect(got.line).toBe('partial line\n');
  });

  it('a cancelled write leaves no file handle behind: close waits for the OS write, then frees the fd', async () => {
    const p = fifo();
    const size = 1 << 20; // far more than a pipe holds: the OS write blocks
    const got = await run(function* () {
      const [r, w] = yield* openFifo(p);
      const fd = w.fileno();
      const writer = yield* spawn(() => w.write(Buffer.alloc(size, 7)));
      yield* sleep(0);
      expect(writer.state).toBe('WRITE_WAIT');
      yield* writer.cancel();
      // Drain the pipe so the write handed to the OS can finish; EOF comes at close.
      const reader = yield* spawn(() => r.readAll());
      yield* w.aclose();
      const data = yield* reader.join();
      yield* r.aclose();
      return { fd, length: data.length, exc: writer.exception, closed: fdClosed(fd) };
    });
    expect(got.exc).toBeInstanceOf(TaskCancelled);
    expect(got.length).toBe(size);
    expect(got.closed).toBe(true);
  });

  it('cancelling aopen while it waits leaves no descriptor open', async () => {
    const p = fifo();
    const left = await run(function* () {
      // Opening a FIFO to write waits for a reader (on a timer, see the pool tests below).
      const opener = yield* spawn(() => aopen(p, 'wb'));
      yield* sleep(0);
      expect(opener.state).toBe('FILE_OPEN');
      yield* opener.cancel();
      // An open in flight when it was cancelled is closed as it arrives: a few turns at most.
      for (let i = 0; i < 1000 && fdsFor(p).length > 0; i++) yield* sleep(1);
      const open = fdsFor(p);
      // The FIFO works afterwards.
      const [r, w] = yield* openFifo(p);
      yield* w.write(Buffer.from('ok'));
      const data = yield* r.read(2);
      r.close();
      w.close();
      return { open, exc: opener.exception, data: data.toString() };
    });
    expect(left.exc).toBeInstanceOf(TaskCancelled);
    expect(left.open).toEqual([]);
    expect(left.data).toBe('ok');
  });

  it('aopen with a cancellation already pending opens nothing', async () => {
    const p = tmpfile('x');
    const got = await run(function* () {
      yield* setCancellation(new TaskCancelled('early'));
      try {
        yield* aopen(p);
        return null;
      } catch (e) {
        // A few file-system round trips: an open started anyway would have landed by now.
        for (let i = 0; i < 3; i++) yield* (yield* aopen(p)).aclose();
        return { e, open: fdsFor(p) };
      }
    });
    expect(got?.e).toBeInstanceOf(TaskCancelled);
    expect(got?.open).toEqual([]);
  });

  it('using disposes the file: the descriptor is released and written data is kept', async () => {
    const p = tmpfile();
    const got = await run(function* () {
      let file: AsyncFile<string> | null = null;
      let fd = -1;
      {
        using f = yield* aopen(p, 'w');
        file = f;
        fd = f.fileno();
        yield* f.write('kept');
      }
      const closedAtBlockEnd = file.closed;
      yield* file.aclose(); // a second close waits for the one dispose started
      return { closedAtBlockEnd, fd };
    });
    expect(got.closedAtBlockEnd).toBe(true);
    expect(fs.readFileSync(p, 'utf8')).toBe('kept');
    expect(fdClosed(got.fd)).toBe(true);
  });
});

describe('FIFOs do not hold threads of the pool', () => {
  /** Node's thread pool has this many threads: each blocked open or read of a FIFO used to hold one. */
  const POOL = Number(process.env.UV_THREADPOOL_SIZE ?? 4);

  /** A regular file read and a DNS look-up: both need a thread of the pool. */
  function* poolWork(): Operation<[string, number]> {
    const f = yield* aopen(tmpfile('pool is free'));
    try {
      return [yield* f.readAll(), (yield* getaddrinfo('localhost', 80)).length];
    } finally {
      f.close();
    }
  }

  it('cancelled opens of FIFOs without a writer (or without a reader) leave the pool free and no descriptor behind', async () => {
    const noWriter = Array.from({ length: POOL }, () => fifo());
    const noReader = Array.from({ length: POOL }, () => fifo());
    const got = await run(function* () {
      const openers: Task[] = [];
      for (const p of noWriter) openers.push(yield* spawn(() => aopen(p, 'rb')));
      for (const p of noReader) openers.push(yield* spawn(() => aopen(p, 'wb')));
      yield* sleep(0);
      for (const t of openers) yield* t.cancel();
      const work = yield* poolWork();
      // The opens that were in flight when cancelled close their descriptors as they land.
      const all = [...noWriter, ...noReader];
      for (let i = 0; i < 1000 && all.some((p) => fdsFor(p).length > 0); i++) yield* sleep(1);
      return { work, open: all.flatMap(fdsFor) };
    });
    expect(got.work).toEqual(['pool is free', expect.any(Number)]);
    expect(got.work[1]).toBeGreaterThan(0);
    expect(got.open).toEqual([]);
  });

  it('character devices are still read and written as before (/dev/zero, /dev/null)', async () => {
    const got = await run(function* () {
      const zero = yield* aopen('/dev/zero', 'rb');
      const data = yield* zero.read(4);
      zero.close();
      const sink = yield* aopen('/dev/null', 'w');
      const written = yield* sink.write('gone');
      yield* sink.aclose();
      return { data: [...data], written };
    });
    expect(got.data).toEqual([0, 0, 0, 0]);
    expect(got.written).toBe(4);
  });

  it('tasks waiting to read FIFOs leave the pool free; cancelled and closed, they leave no descriptor', async () => {
    const paths = Array.from({ length: POOL }, () => fifo());
    // Each FIFO has a writer (held here, read-write so it never blocks) that writes nothing.
    const writers = paths.map((p) => fs.openSync(p, 'r+'));
    try {
      const got = await run(function* () {
        const readers: Task[] = [];
        for (const p of paths) {
          readers.push(
            yield* spawn(function* () {
              const f = yield* aopen(p, 'rb');
              try {
                return yield* f.read(10);
              } finally {
                f.close();
              }
            }),
          );
        }
        for (const t of readers) yield* parkedIn(t, 'READ_WAIT');
        const work = yield* poolWork();
        for (const t of readers) yield* t.cancel();
        const ours = () => paths.flatMap(fdsFor).filter((fd) => !writers.includes(fd));
        for (let i = 0; i < 1000 && ours().length > 0; i++) yield* sleep(1);
        return { work, open: ours(), states: readers.map((t) => t.exception?.constructor.name) };
      });
      expect(got.work[0]).toBe('pool is free');
      expect(got.open).toEqual([]);
      expect(got.states).toEqual(paths.map(() => 'TaskCancelled'));
    } finally {
      for (const fd of writers) fs.closeSync(fd);
    }
  });
});
