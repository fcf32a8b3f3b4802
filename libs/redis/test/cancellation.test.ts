/**
 * Cancellation at random points never puts a connection out of step: after every
 * cancelled command, each later reply still matches its own command. The random choices
 * come from a seed (printed on failure), so a failing sequence can be replayed with
 * CURIO_REDIS_SEED=<seed>.
 */
import { Kernel, schedule, spawn, TaskCancelled, type Operation, type Task } from '@curio/kernel';
import { connect, type RedisConnection } from '@curio/redis';
import { HoldingProxy, connectedClients, redisPort } from './helpers.js';
import { seededRandom, type SeededRandom } from '../../../tools/jest/seeded-random.js';

const DB = 4;
const SEED = Number(process.env.CURIO_REDIS_SEED ?? 20261126);

type Check = (conn: RedisConnection, i: number) => Operation<void>;

/** One random operation on the connection, and what its reply must be if it completes. */
function randomOperation(random: SeededRandom, conn: RedisConnection, i: number): { op: Operation<unknown>; expected: unknown; replies: number } {
  switch (random.int(5)) {
    case 0:
      return { op: conn.echo(`echo-${i}`), expected: `echo-${i}`, replies: 1 };
    case 1:
      return { op: conn.get(`k:${i % 16}`), expected: value(i % 16), replies: 1 };
    case 2: {
      const n = 1 + random.int(20);
      const p = conn.pipeline();
      for (let j = 0; j < n; j++) p.command('ECHO', `p-${i}-${j}`);
      return { op: p.exec(), expected: Array.from({ length: n }, (_, j) => `p-${i}-${j}`), replies: n };
    }
    case 3: {
      const t = conn.multi().command('ECHO', `t-${i}`).command('GET', `k:${i % 16}`);
      return { op: t.exec(), expected: [`t-${i}`, value(i % 16)], replies: 4 };
    }
    default:
      return { op: conn.getBuffer('big'), expected: BIG, replies: 1 };
  }
}

const BIG = Buffer.alloc(256 * 1024, 'b');
/** The value stored under k:n: long enough for some to span reads. */
function value(n: number): string {
  return `${n}:`.padEnd(100 + n * 500, String.fromCharCode(97 + n));
}

const verify: Check = function* (conn, i) {
  expect(yield* conn.echo(`check-${i}`)).toBe(`check-${i}`);
  expect(yield* conn.get(`k:${i % 16}`)).toBe(value(i % 16));
};

function* setUp(conn: RedisConnection): Operation<void> {
  yield* conn.flushdb();
  for (let n = 0; n < 16; n++) yield* conn.set(`k:${n}`, value(n));
  yield* conn.set('big', BIG);
}

function runInKernel<T>(body: () => Operation<T>): Promise<T> {
  return new Kernel().run(body);
}

describe(`cancellation at random points (seed ${SEED})`, () => {
  it('400 commands cancelled after a random number of scheduling steps: every later reply matches its command', () => runInKernel(function* () {
    const random = seededRandom(SEED);
    using conn = yield* connect({ port: redisPort(), db: DB });
    yield* setUp(conn);
    let cancelledAfterSending = 0;
    let completed = 0;
    for (let i = 0; i < 400; i++) {
      const { op, expected } = randomOperation(random, conn, i);
      const task: Task = yield* spawn(function* () {
        return yield* op;
      });
      const steps = random.int(6);
      for (let s = 0; s < steps; s++) yield* schedule();
      yield* task.cancel();
      if (task.exception instanceof TaskCancelled) {
        if (conn.pendingReplies > 0) cancelledAfterSending++;
      } else {
        expect(task.result).toEqual(expected);
        completed++;
      }
      if (random.int(2) === 0) yield* verify(conn, i);
    }
    yield* verify(conn, 400);
    expect(conn.pendingReplies).toBe(0);
    expect(cancelledAfterSending + completed).toBeGreaterThan(0);
  }));

  it('300 commands cancelled with their reply cut at a random byte (held by a proxy): every later reply matches', () => runInKernel(function* () {
    const random = seededRandom(SEED + 1);
    const proxy = new HoldingProxy();
    yield* proxy.start(redisPort());
    using conn = yield* connect({ port: proxy.port, db: DB });
    yield* setUp(conn);
    for (let i = 0; i < 300; i++) {
      proxy.hold();
      const before = proxy.replies;
      const { op, replies } = randomOperation(random, conn, i);
      const task = yield* spawn(function* () {
        return yield* op;
      });
      // The request has reached the server and its whole answer is held: cut it.
      yield* proxy.waitReplies(before + replies);
      const cut = random.int(proxy.held.length);
      yield* proxy.release(cut);
      const steps = random.int(4);
      for (let s = 0; s < steps; s++) yield* schedule();
      yield* task.cancel();
      expect(task.exception).toBeInstanceOf(TaskCancelled);
      expect(conn.pendingReplies).toBeGreaterThan(0);
      // Let the rest through (in two random pieces), then the next commands must match.
      yield* proxy.release(random.int(proxy.held.length + 1));
      yield* proxy.open();
      yield* verify(conn, i);
      expect(conn.pendingReplies).toBe(0);
    }
    yield* proxy.close();
  }));

  it('cancelled while waiting for its turn (another task holds the connection), a command sends nothing', () => runInKernel(function* () {
    const proxy = new HoldingProxy();
    yield* proxy.start(redisPort());
    using conn = yield* connect({ port: proxy.port, db: DB });
    const setup = proxy.replies;
    proxy.hold();
    const first = yield* spawn(conn.echo('first'));
    yield* proxy.waitReplies(setup + 1);
    const second = yield* spawn(conn.echo('second'));
    yield* schedule();
    yield* second.cancel();
    expect(second.exception).toBeInstanceOf(TaskCancelled);
    expect(conn.pendingReplies).toBe(1);
    yield* proxy.open();
    expect(yield* first.join()).toBe('first');
    expect(yield* conn.echo('third')).toBe('third');
    expect(proxy.replies).toBe(setup + 2);
    yield* proxy.close();
  }));

  it('a cancelled loop leaves no connection open on the server', () => runInKernel(function* () {
    using admin = yield* connect({ port: redisPort() });
    const before = connectedClients((yield* admin.command('INFO', 'clients')) as string);
    const random = seededRandom(SEED + 2);
    for (let i = 0; i < 50; i++) {
      const task = yield* spawn(function* () {
        using conn = yield* connect({ port: redisPort(), db: DB });
        yield* conn.echo(`x${i}`);
      });
      const steps = random.int(8);
      for (let s = 0; s < steps; s++) yield* schedule();
      yield* task.cancel();
    }
    let after = connectedClients((yield* admin.command('INFO', 'clients')) as string);
    while (after !== before) {
      yield* schedule();
      after = connectedClients((yield* admin.command('INFO', 'clients')) as string);
    }
    expect(after).toBe(before);
  }));
});
