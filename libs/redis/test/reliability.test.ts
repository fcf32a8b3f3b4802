/**
 * Reliability round three: large replies are read in linear time, sizes are capped,
 * 64-bit integers are exact, and a cancelled blocking command does not hold up the next.
 */
import { Buffer } from 'node:buffer';
import { run, sleep, TaskTimeout, timeoutAfter, type Operation } from '@curio/kernel';
import { connect, RedisProtocolError, type RedisConnection } from '@curio/redis';
import { ReplyReader } from '../src/reader.js';
import { DEFAULT_LIMITS, INCOMPLETE } from '../src/resp.js';
import { craftedServer, redisPort } from './helpers.js';
import { failureOf } from '../../../tools/jest/failure-of.js';

const DB = 5;
const SIZE = 40 * 1024 * 1024;

/** Runs `body`, counting the bytes copied by Buffer.concat and Buffer#copy meanwhile. */
function* countCopies<T>(body: () => Operation<T>): Operation<{ result: T; counts: { bytes: number; calls: number } }> {
  const concat = Buffer.concat;
  const copy = Buffer.prototype.copy;
  const counts = { bytes: 0, calls: 0 };
  Buffer.concat = function (list: readonly Uint8Array[], length?: number) {
    const out = concat.call(Buffer, list, length);
    counts.bytes += out.length;
    counts.calls++;
    return out;
  } as typeof Buffer.concat;
  Buffer.prototype.copy = function (this: Buffer, ...args: Parameters<Buffer['copy']>) {
    const n = copy.apply(this, args);
    counts.bytes += n;
    counts.calls++;
    return n;
  };
  try {
    const result = yield* body();
    return { result, counts };
  } finally {
    Buffer.concat = concat;
    Buffer.prototype.copy = copy;
  }
}

describe('large replies are read in linear time', () => {
  it('a 40 MB GET from redis-server copies each byte a bounded number of times', () => run(function* () {
    using conn = yield* connect({ port: redisPort(), db: DB });
    yield* conn.set('big40', Buffer.alloc(SIZE, 'x'));
    const { result, counts } = yield* countCopies(() => conn.getBuffer('big40'));
    expect(result?.length).toBe(SIZE);
    // Quadratic appending copied ~12 GB here (every 64 KB chunk re-copied all before it).
    expect(counts.bytes).toBeLessThanOrEqual(3 * SIZE);
    yield* conn.del('big40');
  }));

  it('the reader grows its buffer O(log n) times for a 40 MB bulk fed in 64 KB pieces', () => {
    const reader = new ReplyReader(DEFAULT_LIMITS);
    const wire = Buffer.concat([Buffer.from(`$${SIZE}\r\n`), Buffer.alloc(SIZE, 'y'), Buffer.from('\r\n')]);
    let reply: unknown = INCOMPLETE;
    for (let at = 0; at < wire.length; at += 65536) {
      expect(reply).toBe(INCOMPLETE);
      reader.feed(wire.subarray(at, at + 65536));
      reply = reader.next();
    }
    expect((reply as Buffer).length).toBe(SIZE);
    expect(reader.stats.allocations).toBeLessThanOrEqual(Math.ceil(Math.log2(SIZE / 65536)) + 2);
    expect(reader.stats.copiedBytes).toBeLessThanOrEqual(3 * SIZE);
  });

  it('an array fed one byte at a time parses the same as whole (the parser resumes)', () => {
    const wire = Buffer.from('*3\r\n$3\r\nabc\r\n*2\r\n:-9223372036854775808\r\n$-1\r\n+OK\r\n:7\r\n');
    const reader = new ReplyReader(DEFAULT_LIMITS);
    const replies: unknown[] = [];
    for (let i = 0; i < wire.length; i++) {
      reader.feed(wire.subarray(i, i + 1));
      for (let r = reader.next(); r !== INCOMPLETE; r = reader.next()) replies.push(r);
    }
    expect(replies).toEqual([[Buffer.from('abc'), [-9223372036854775808n, null], 'OK'], 7]);
  });

  it('a header claiming the whole cap allocates no more than twice the bytes received', () => {
    const reader = new ReplyReader(DEFAULT_LIMITS);
    reader.feed(Buffer.from(`$${DEFAULT_LIMITS.maxBulkLength}\r\n`));
    for (let i = 0; i < 16; i++) {
      reader.feed(Buffer.alloc(1024, 'z'));
      expect(reader.next()).toBe(INCOMPLETE);
    }
    expect(reader.capacity).toBeLessThanOrEqual(2 * (16 * 1024 + 20));
  });
});

describe('sizes are capped like Redis caps them', () => {
  /** Connects to a crafted server, sends GET, and gives the error and how much of the trickle went out first. */
  function* failing(reply: string, trickle: string, options: { maxBulkLength?: number; maxArrayLength?: number } = {}) {
    const server = yield* craftedServer(reply, trickle);
    const conn: RedisConnection = yield* connect({ port: server.port, ...options });
    const error = yield* failureOf(conn.get('k'));
    const closed = conn.closed;
    yield* server.done.join();
    return { error, closed, trickled: server.state.trickled };
  }

  const TRICKLE = 'x'.repeat(200);

  it('a bulk header past 512 MB fails at once, closing the connection', () => run(function* () {
    const { error, closed, trickled } = yield* failing('$536870913\r\n', TRICKLE);
    expect(error).toBeInstanceOf(RedisProtocolError);
    expect((error as Error).message).toContain('a bulk string of 536870913 bytes is past the limit maxBulkLength (536870912)');
    expect(closed).toBe(true);
    expect(trickled).toBeLessThan(TRICKLE.length);
  }));

  it('maxBulkLength is configurable', () => run(function* () {
    const { error, trickled } = yield* failing('$1025\r\n', TRICKLE, { maxBulkLength: 1024 });
    expect((error as Error).message).toContain('past the limit maxBulkLength (1024)');
    expect(trickled).toBeLessThan(TRICKLE.length);
  }));

  it('an array length past the cap fails at once (default 2^31 - 1, and maxArrayLength)', () => run(function* () {
    const items = ':1\r\n'.repeat(50);
    const byDefault = yield* failing('*2147483648\r\n', items);
    expect(byDefault.error).toBeInstanceOf(RedisProtocolError);
    expect((byDefault.error as Error).message).toContain('an array of 2147483648 elements is past the limit maxArrayLength (2147483647)');
    expect(byDefault.closed).toBe(true);
    expect(byDefault.trickled).toBeLessThan(items.length);
    const configured = yield* failing('*1001\r\n', items, { maxArrayLength: 1000 });
    expect((configured.error as Error).message).toContain('past the limit maxArrayLength (1000)');
    expect(configured.trickled).toBeLessThan(items.length);
  }));

  it('a reply that begins with CRLF fails at once', () => run(function* () {
    const { error, closed, trickled } = yield* failing('\r\n', 'a'.repeat(200));
    expect(error).toBeInstanceOf(RedisProtocolError);
    expect((error as Error).message).toContain('unknown reply type "\\r"');
    expect(closed).toBe(true);
    expect(trickled).toBeLessThan(200);
  }));

  it('the limits are checked', async () => {
    await expect(run(connect({ port: redisPort(), maxBulkLength: 0 }))).rejects.toThrow('connect(): maxBulkLength must be an integer from 1 to');
    await expect(run(connect({ port: redisPort(), maxArrayLength: 1.5 }))).rejects.toThrow('connect(): maxArrayLength must be an integer from 1 to 4294967295, got 1.5');
  });
});

describe('integers past 2^53 are exact', () => {
  it('INCRBY k 9007199254740993 against redis gives 9007199254740993n, never a rounded number', () => run(function* () {
    using conn = yield* connect({ port: redisPort(), db: DB });
    yield* conn.del('i:a', 'i:b', 'i:c', 'i:d', 'i:e');
    expect(yield* conn.command('INCRBY', 'i:a', '9007199254740993')).toBe(9007199254740993n);
    expect(yield* conn.incrBy('i:b', 9007199254740993n)).toBe(9007199254740993n);
    expect(yield* conn.incrBy('i:b', -9007199254740993n)).toBe(0n);
    expect(yield* conn.command('INCRBY', 'i:c', 5)).toBe(5);
    yield* conn.set('i:d', '-9223372036854775808');
    expect(yield* conn.pipeline().command('INCRBY', 'i:d', 0).exec()).toEqual([-9223372036854775808n]);
    yield* conn.set('i:e', '9007199254740991');
    const error = yield* failureOf(conn.incr('i:e'));
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toContain('INCR replied with the integer 9007199254740992');
    expect(yield* conn.get('i:e')).toBe('9007199254740992');
  }));
});

/** The ids of the server's clients with this name, from CLIENT LIST on `admin`. */
function* clientIds(admin: RedisConnection, name: string) {
  const list = (yield* admin.command('CLIENT', 'LIST')) as string;
  return list.split('\n').filter((line) => line.includes(` name=${name} `)).map((line) => /^id=(\d+)/.exec(line)?.[1]);
}

describe('a timed-out blocking command does not delay the next one', () => {
  it('BLPOP under timeoutAfter(100), then ping: answered on a reopened connection while the BLPOP (5 s) would still wait', () => run(function* () {
    using admin = yield* connect({ port: redisPort(), db: DB });
    using conn = yield* connect({ port: redisPort(), db: DB, clientName: 'owed-blpop' });
    yield* admin.del('b:empty');
    const [first] = yield* clientIds(admin, 'owed-blpop');
    const error = yield* failureOf(timeoutAfter(100, conn.command('BLPOP', 'b:empty', 5)));
    expect(error).toBeInstanceOf(TaskTimeout);
    expect(conn.pendingReplies).toBe(0);
    expect(yield* conn.ping()).toBe('PONG');
    // The ping went over a new connection (same name, same db): the old one no longer waits.
    const ids = yield* clientIds(admin, 'owed-blpop');
    expect(ids.filter((id) => id !== first)).toHaveLength(1);
    while ((yield* clientIds(admin, 'owed-blpop')).includes(first)) yield* sleep(5);
    // Nobody is blocked on the list any more: a push stays there, it is not popped for a caller who left.
    expect(yield* admin.rpush('b:empty', 'x')).toBe(1);
    expect(yield* conn.lpop('b:empty')).toBe('x');
  }));

  it('a connection in WATCH is closed, not reopened, when its blocking command times out', () => run(function* () {
    using conn = yield* connect({ port: redisPort(), db: DB });
    yield* conn.watch('b:w');
    yield* conn.del('b:empty2');
    expect(yield* failureOf(conn.withTimeout(50).command('BLPOP', 'b:empty2', 5))).toBeInstanceOf(TaskTimeout);
    expect(conn.closed).toBe(true);
  }));
});
