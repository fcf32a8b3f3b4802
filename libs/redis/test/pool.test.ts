import { run, spawn, sleep } from '@curio/kernel';
import { connect, createPool, RedisConnectionError, RedisError } from '@curio/redis';
import { HoldingProxy, connectedClients, redisPort } from './helpers.js';
import { failureOf } from '../../../tools/jest/failure-of.js';

const DB = 3;

/** Connections the server sees with this pool's client name. */
function* clientsNamed(name: string) {
  using admin = yield* connect({ port: redisPort() });
  const list = (yield* admin.command('CLIENT', 'LIST')) as string;
  return list.split('\n').filter((line) => line.includes(` name=${name} `)).length;
}

describe('connection pool', () => {
  it('lends at most size connections and reuses clean ones', () => run(function* () {
    using pool = createPool({ port: redisPort(), db: DB, size: 2, clientName: 'pool-a' });
    const a = yield* pool.acquire();
    const b = yield* pool.acquire();
    expect(pool.inUseCount).toBe(2);
    let third = false;
    const waiter = yield* spawn(function* () {
      const c = yield* pool.acquire();
      third = true;
      pool.release(c);
      return c;
    });
    yield* sleep(5);
    expect(third).toBe(false);
    pool.release(a);
    const c = yield* waiter.join();
    expect(c).toBe(a);
    pool.release(b);
    expect(pool.idleCount).toBe(2);
    expect(yield* clientsNamed('pool-a')).toBe(2);
    for (let i = 0; i < 20; i++) yield* pool.incr('pool:n');
    expect(yield* pool.get('pool:n')).toBe('20');
    expect(yield* clientsNamed('pool-a')).toBe(2);
  }));

  it('closes a connection released owing a reply', () => run(function* () {
    const proxy = new HoldingProxy();
    yield* proxy.start(redisPort());
    using pool = createPool({ port: proxy.port, size: 1 });
    const conn = yield* pool.acquire();
    proxy.hold();
    const before = proxy.replies;
    const owing = yield* spawn(conn.get('pool:k'));
    yield* proxy.waitReplies(before + 1);
    yield* owing.cancel();
    expect(conn.pendingReplies).toBe(1);
    expect(conn.clean).toBe(false);
    pool.release(conn);
    expect(conn.closed).toBe(true);
    expect(pool.idleCount).toBe(0);
    yield* proxy.close();
  }));

  it('closes a connection released after a cancelled BLPOP (its socket was dropped), and hands out a clean one instead', () => run(function* () {
    using pool = createPool({ port: redisPort(), db: DB, size: 1, clientName: 'pool-b' });
    const conn = yield* pool.acquire();
    yield* conn.del('pool:empty');
    const blocked = yield* spawn(function* () {
      return yield* conn.command('BLPOP', 'pool:empty', 0);
    });
    while (conn.pendingReplies === 0) yield* sleep(1);
    yield* blocked.cancel();
    expect(conn.pendingReplies).toBe(0);
    expect(conn.clean).toBe(false);
    pool.release(conn);
    expect(conn.closed).toBe(true);
    const next = yield* pool.acquire();
    expect(next).not.toBe(conn);
    expect(next.clean).toBe(true);
    expect(yield* next.echo('fresh')).toBe('fresh');
    // The BLPOP never got its list: a push now must not reach anyone.
    expect(yield* next.rpush('pool:empty', 'x')).toBe(1);
    expect(yield* next.lpop('pool:empty')).toBe('x');
    pool.release(next);
    expect(yield* clientsNamed('pool-b')).toBe(1);
  }));

  it('closes connections left in WATCH or with state changed through command()', () => run(function* () {
    using pool = createPool({ port: redisPort(), db: DB, size: 1 });
    const watched = yield* pool.withConnection(function* (conn) {
      yield* conn.watch('pool:w');
      return conn;
    });
    expect(watched.closed).toBe(true);
    const selected = yield* pool.withConnection(function* (conn) {
      yield* conn.command('SELECT', 5);
      return conn;
    });
    expect(selected.closed).toBe(true);
    // Refused when called, before any operation runs.
    expect(() => pool.command('SELECT', 5)).toThrow('command(): SELECT changes the state of one connection');
  }));

  it('a cancelled acquire holds nothing; release checks ownership; a closed pool refuses', () => run(function* () {
    const pool = createPool({ port: redisPort(), db: DB, size: 1 });
    const held = yield* pool.acquire();
    const waiter = yield* spawn(pool.acquire());
    yield* sleep(1);
    yield* waiter.cancel();
    pool.release(held);
    expect(() => pool.release(held)).toThrow(RedisError);
    const again = yield* pool.acquire();
    expect(again).toBe(held);
    pool.release(again);
    using stranger = yield* connect({ port: redisPort() });
    expect(() => pool.release(stranger)).toThrow(/was not borrowed from this pool/);
    pool.close();
    expect(held.closed).toBe(true);
    const error = yield* failureOf(pool.acquire());
    expect(error).toBeInstanceOf(RedisConnectionError);
    expect((error as Error).message).toBe('acquire(): the pool is closed');
  }));

  it('createPool checks its options', () => {
    expect(() => createPool({ size: 0 })).toThrow('createPool(): size must be an integer >= 1, got 0');
    expect(() => createPool({ port: 'x' as unknown as number })).toThrow('createPool(): port must be an integer from 1 to 65535, got "x" (a string)');
  });

  it('leaves no connection behind', () => run(function* () {
    using admin = yield* connect({ port: redisPort() });
    const before = connectedClients((yield* admin.command('INFO', 'clients')) as string);
    const pool = createPool({ port: redisPort(), db: DB, size: 4 });
    const workers = [];
    for (let i = 0; i < 8; i++) workers.push(yield* spawn(pool.incr('pool:many')));
    for (const w of workers) yield* w.join();
    pool.close();
    // The server notices the closes in its own time: wait until it has (jest's limit ends a failure).
    let after = connectedClients((yield* admin.command('INFO', 'clients')) as string);
    while (after !== before) {
      yield* sleep(5);
      after = connectedClients((yield* admin.command('INFO', 'clients')) as string);
    }
    expect(after).toBe(before);
  }));
});
