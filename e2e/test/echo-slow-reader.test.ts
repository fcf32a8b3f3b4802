/**
 * A client that sends far more than it reads: the seed's echo server (its own process)
 * must push back (its `sendall` waits, so it stops receiving, so the client's writes
 * stall) instead of buffering the difference, so its memory stays bounded.
 */
import type { Socket } from 'node:net';
import { connectOne, delay, firstDifference, RandomPool } from '../src/clients.js';
import { ServerProcess, type ServerStats } from '../src/server-process.js';

jest.setTimeout(300_000);

const MiB = 1024 * 1024;
/** What the client sends: 128 MiB, far more than every buffer on the way can hold. */
const BLOCKS = 128;
const TOTAL = BLOCKS * MiB;
/**
 * The most the server's live memory (V8 heap + Buffers, measured after a full GC) may
 * grow while it echoes to the slow reader: its own buffers are a few tens of KiB, the
 * rest of this allowance is slack for the runtime.
 */
const LIVE_MEMORY_BOUND = 16 * MiB;
/** The most its resident set may grow (it includes allocator and GC slack). */
const RSS_BOUND = 64 * MiB;

const live = (s: ServerStats) => s.heapUsed + s.arrayBuffers;

let server: ServerProcess;

beforeAll(async () => {
  server = await ServerProcess.start({ nodeArgs: ['--expose-gc'] });
});

afterAll(async () => {
  await server.dispose();
});

/** Checks the echoed stream against the blocks sent, in order. */
class EchoChecker {
  received = 0;
  mismatchAt: number | null = null;
  constructor(private readonly block: (k: number) => Buffer) {}

  check(got: Buffer): void {
    let offset = 0;
    while (offset < got.length) {
      const k = Math.floor(this.received / MiB);
      const at = this.received % MiB;
      if (k >= BLOCKS) {
        // More came back than was sent.
        this.mismatchAt ??= this.received;
        this.received += got.length - offset;
        return;
      }
      const n = Math.min(MiB - at, got.length - offset);
      const piece = got.subarray(offset, offset + n);
      const expected = this.block(k).subarray(at, at + n);
      if (this.mismatchAt === null && !piece.equals(expected)) this.mismatchAt = this.received + firstDifference(piece, expected);
      offset += n;
      this.received += n;
    }
  }
}

/** Polls `measure` until it returns the same value three times in a row; returns it. */
async function settled(measure: () => number): Promise<number> {
  let last = measure();
  let same = 0;
  while (same < 3) {
    await delay(100);
    const now = measure();
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}

test("a slow-reading client is held back by the server's backpressure and the server's memory stays bounded", async () => {
  const pool = new RandomPool(MiB);
  const before = await server.stats();
  const socket: Socket = await connectOne(server.port);
  socket.pause();
  const checker = new EchoChecker((k) => pool.window(k));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  let sawEnd = false;
  socket.on('end', () => (sawEnd = true));

  // Phase 1: the client writes everything at once and reads nothing.
  for (let k = 0; k < BLOCKS; k++) socket.write(pool.window(k));
  const stuck = await settled(() => socket.writableLength);
  const whileStuck = await server.stats();
  // The server took only what its socket buffers hold and then stopped reading: most of
  // the data is still queued in the client.
  expect(stuck).toBeGreaterThan(TOTAL / 2);
  expect(live(whileStuck) - live(before)).toBeLessThan(LIVE_MEMORY_BOUND);
  expect(whileStuck.rss - before.rss).toBeLessThan(RSS_BOUND);

  // Phase 2: the client reads, slowly (a pause after every chunk), until all is back.
  const samples: ServerStats[] = [whileStuck];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      samples.push(await server.stats());
      await delay(250);
    }
  })();
  socket.on('data', (got: Buffer) => {
    checker.check(got);
    if (checker.received === TOTAL) socket.end();
    socket.pause();
    setTimeout(() => socket.resume(), 1);
  });
  socket.resume();
  await closed;
  sampling = false;
  await sampler;

  expect(checker.received).toBe(TOTAL);
  expect(checker.mismatchAt).toBeNull();
  expect(sawEnd).toBe(true);
  const peakLive = Math.max(...samples.map(live));
  const peakRss = Math.max(...samples.map((s) => s.rss));
  expect(peakLive - live(before)).toBeLessThan(LIVE_MEMORY_BOUND);
  expect(peakRss - before.rss).toBeLessThan(RSS_BOUND);
  // The connection's task and socket are gone.
  const after = await server.statsWhen((s) => s.tasks === 1 && s.sockets === 0);
  expect(after.byName).toEqual({ echoServer: 1 });
  expect(after.sockets).toBe(0);
});
