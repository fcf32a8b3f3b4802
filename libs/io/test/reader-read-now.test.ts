import { PassThrough } from 'node:stream';
import { run } from '@curio/kernel';
import { NodeReader } from '../src/index.js';

describe('NodeReader readNow', () => {
  it('buffers data at once, so a stream resumed by its owner before the first read loses nothing', async () => {
    const stream = new PassThrough();
    const reader = new NodeReader(stream, { readNow: true });
    stream.write('abc');
    stream.resume(); // what Node does to a child's unread output pipe after the child exits
    stream.end('def');
    await new Promise((done) => setImmediate(done));
    expect(reader.buffered).toBe(6);
    const all = await run(function* () {
      return yield* reader.readAll();
    });
    expect(all.toString()).toBe('abcdef');
  });

  it('still pauses the Node stream at the high-water mark while nobody reads', async () => {
    const stream = new PassThrough();
    const reader = new NodeReader(stream, { readNow: true, highWaterMark: 4 });
    stream.write('12345678');
    await new Promise((done) => setImmediate(done));
    expect(reader.buffered).toBe(8);
    expect(stream.isPaused()).toBe(true);
    stream.end();
  });
});
