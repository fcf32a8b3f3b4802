/**
 * The reader's chunk list (the first chunk in a field of its own, the rest in an array):
 * reads that take part of a chunk, cross chunk boundaries or drain several chunks, with
 * the chunks arriving one by one as Node delivers them.
 */
import { PassThrough } from 'node:stream';
import { run } from '@curio/kernel';
import { NodeReader } from '../src/index.js';

/** A reader over a stream that has delivered `chunks` (each a separate 'data' event). */
async function readerWith(chunks: string[], end = true): Promise<NodeReader> {
  const stream = new PassThrough();
  const reader = new NodeReader(stream, { readNow: true });
  for (const chunk of chunks) {
    stream.write(chunk);
    await new Promise((done) => setImmediate(done));
  }
  if (end) stream.end();
  await new Promise((done) => setImmediate(done));
  return reader;
}

describe('NodeReader chunk list', () => {
  it('read(n) takes part of a chunk, copies across chunks when n reaches past the first, and returns what is left', async () => {
    const reader = await readerWith(['abcd', 'ef', 'ghi']);
    expect(reader.buffered).toBe(9);
    const parts = await run(function* () {
      const out: string[] = [];
      for (const n of [2, 3, 1, 10, 10]) out.push((yield* reader.read(n)).toString());
      return out;
    });
    expect(parts).toEqual(['ab', 'cde', 'f', 'ghi', '']);
    expect(reader.buffered).toBe(0);
  });

  it('readExactly and readInto gather bytes across chunk boundaries, leaving the rest in order', async () => {
    const reader = await readerWith(['ab', 'cde', 'f', 'ghij']);
    const [exact, stored, into, rest] = await run(function* () {
      const exact = (yield* reader.readExactly(4)).toString();
      const target = Buffer.alloc(4);
      const stored = yield* reader.readInto(target);
      return [exact, stored, target.toString(), (yield* reader.readAll()).toString()];
    });
    expect([exact, stored, into, rest]).toEqual(['abcd', 4, 'efgh', 'ij']);
  });

  it('readline finds a newline three chunks in, and the next line after it', async () => {
    const reader = await readerWith(['one ', 'two ', 'three\nfo', 'ur\n', 'tail']);
    const lines = await run(function* () {
      const out: string[] = [];
      for (let i = 0; i < 4; i++) out.push((yield* reader.readline()).toString());
      return out;
    });
    expect(lines).toEqual(['one two three\n', 'four\n', 'tail', '']);
  });

  it('a read waiting on an empty reader gets the next chunk whole; empty chunks are ignored', async () => {
    const stream = new PassThrough();
    const reader = new NodeReader(stream);
    const got = run(function* () {
      const first = yield* reader.read(100);
      const second = yield* reader.read(100);
      return [first.toString(), second.toString()];
    });
    await new Promise((done) => setImmediate(done));
    stream.write('');
    stream.write('hello');
    await new Promise((done) => setImmediate(done));
    stream.end('world');
    expect(await got).toEqual(['hello', 'world']);
  });

  it('detach pushes every buffered chunk back into the stream, in order', async () => {
    const reader = await readerWith(['ab', 'cd', 'ef'], false);
    await run(function* () {
      expect((yield* reader.read(1)).toString()).toBe('a');
    });
    const stream = reader.detach();
    expect(String(stream.read())).toBe('bcdef');
  });
});
