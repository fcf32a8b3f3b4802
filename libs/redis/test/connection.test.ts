import { type Operation, run, spawn, TaskTimeout, timeoutAfter } from '@curio/kernel';
import { IOError, tcpServerSocket } from '@curio/io';
import { connect, RedisConnectionError, RedisProtocolError, RedisReplyError, type RedisConnection } from '@curio/redis';
import { HoldingProxy, redisPort } from './helpers.js';
import { failureOf } from '../../../tools/jest/failure-of.js';

const DB = 1;

function withConnection<T>(body: (conn: RedisConnection) => Operation<T>): Promise<T> {
  return run(function* () {
    using conn = yield* connect({ port: redisPort(), db: DB });
    return yield* body(conn);
  });
}

beforeAll(() => withConnection(function* (conn) {
  yield* conn.flushdb();
}));

describe('commands with typed replies', () => {
  it('strings, counters, expiry', () => withConnection(function* (conn) {
    expect(yield* conn.ping()).toBe('PONG');
    expect(yield* conn.ping('hi')).toBe('hi');
    expect(yield* conn.echo('héllo')).toBe('héllo');
    expect(yield* conn.set('s:1', 'one')).toBe(true);
    expect(yield* conn.get('s:1')).toBe('one');
    expect(yield* conn.get('s:missing')).toBeNull();
    expect(yield* conn.set('s:1', 'two', { nx: true })).toBe(false);
    expect(yield* conn.set('s:missing', 'x', { xx: true })).toBe(false);
    expect(yield* conn.set('s:bin', Buffer.from([0, 1, 254, 255]))).toBe(true);
    expect(yield* conn.getBuffer('s:bin')).toEqual(Buffer.from([0, 1, 254, 255]));
    expect(yield* conn.incr('s:n')).toBe(1);
    expect(yield* conn.incrBy('s:n', 41)).toBe(42);
    expect(yield* conn.decr('s:n')).toBe(41);
    expect(yield* conn.expire('s:n', 100)).toBe(true);
    expect(yield* conn.ttl('s:n')).toBeGreaterThan(90);
    expect(yield* conn.pexpire('s:nothing', 100)).toBe(false);
    yield* conn.mset({ 's:a': 'A', 's:b': 2 });
    expect(yield* conn.mget('s:a', 's:b', 's:none')).toEqual(['A', '2', null]);
    expect(yield* conn.exists('s:a', 's:b', 's:none')).toBe(2);
    expect(yield* conn.del('s:a', 's:b', 's:none')).toBe(2);
  }));

  it('hashes, lists and sets', () => withConnection(function* (conn) {
    expect(yield* conn.hset('h:1', { name: 'ann', age: 42 })).toBe(2);
    expect(yield* conn.hget('h:1', 'name')).toBe('ann');
    expect(yield* conn.hgetall('h:1')).toEqual({ name: 'ann', age: '42' });
    expect(yield* conn.hgetall('h:none')).toEqual({});
    expect(yield* conn.hdel('h:1', 'age')).toBe(1);
    expect(yield* conn.rpush('l:1', 'a', 'b', 'c')).toBe(3);
    expect(yield* conn.lpush('l:1', 'z')).toBe(4);
    expect(yield* conn.lrange('l:1', 0, -1)).toEqual(['z', 'a', 'b', 'c']);
    expect(yield* conn.lpop('l:1')).toBe('z');
    expect(yield* conn.rpop('l:1')).toBe('c');
    expect(yield* conn.llen('l:1')).toBe(2);
    expect(yield* conn.sadd('t:1', 'x', 'y', 'x')).toBe(2);
    expect(yield* conn.sismember('t:1', 'y')).toBe(true);
    expect((yield* conn.smembers('t:1')).sort()).toEqual(['x', 'y']);
    expect(yield* conn.srem('t:1', 'x')).toBe(1);
    expect(yield* conn.keys('t:*')).toEqual(['t:1']);
    expect(yield* conn.dbsize()).toBeGreaterThan(0);
  }));

  it('command() sends anything and decodes bulk strings; commandBuffer() keeps the bytes', () => withConnection(function* (conn) {
    expect(yield* conn.command('ZADD', 'z:1', 10, 'ann', 20, 'bob')).toBe(2);
    expect(yield* conn.command('ZRANGE', 'z:1', 0, -1, 'WITHSCORES')).toEqual(['ann', '10', 'bob', '20']);
    expect(yield* conn.commandBuffer('ZSCORE', 'z:1', 'bob')).toEqual(Buffer.from('20'));
    const big = 'x'.repeat(3 * 1024 * 1024);
    yield* conn.set('big', big);
    expect(yield* conn.get('big')).toBe(big);
  }));

  it('an error reply is thrown as RedisReplyError and the connection goes on', () => withConnection(function* (conn) {
    yield* conn.set('e:str', 'text');
    let error = yield* failureOf(conn.incr('e:str'));
    expect(error).toBeInstanceOf(RedisReplyError);
    expect((error as RedisReplyError).code).toBe('ERR');
    expect((error as RedisReplyError).message).toMatch(/^INCR: ERR value is not an integer/);
    error = yield* failureOf(conn.lpush('e:str', 'x'));
    expect((error as RedisReplyError).code).toBe('WRONGTYPE');
    expect(yield* conn.get('e:str')).toBe('text');
  }));

  it('bad arguments are refused before anything is sent, naming the value', () => withConnection(function* (conn) {
    expect(() => conn.get(undefined as unknown as string)).toThrow('get(): argument 2 must be a string, a finite number, a bigint or a Buffer, got undefined');
    expect(() => conn.set('k', null as unknown as string)).toThrow('set(): argument 3 must be a string, a finite number, a bigint or a Buffer, got null');
    expect(() => conn.incrBy('k', 1.5)).toThrow('incrBy(): n must be an integer, got 1.5');
    expect(() => conn.set('k', 'v', { ex: 0 })).toThrow('set(): ex must be a positive integer, got 0');
    expect(() => conn.set('k', 'v', { nx: true, xx: true })).toThrow('give nx or xx, not both');
    expect(() => conn.del()).toThrow('del(): give at least one key');
    expect(() => conn.mset({})).toThrow('mset(): the record is empty');
    expect(() => conn.command('SUBSCRIBE', 'x')).toThrow('command(): SUBSCRIBE cannot be sent this way: use connection.subscribe()');
    expect(() => conn.command('multi')).toThrow('use connection.multi() and exec()');
    expect(() => conn.withTimeout(-1)).toThrow('withTimeout(): ms must be a finite number >= 0, got -1');
    expect(yield* conn.ping()).toBe('PONG');
    expect(conn.pendingReplies).toBe(0);
  }));

  it('connect() checks its options', async () => {
    await expect(run(connect({ port: 70000 }))).rejects.toThrow('connect(): port must be an integer from 1 to 65535, got 70000');
    await expect(run(connect({ host: '' }))).rejects.toThrow('connect(): host must be a non-empty string, got "" (an empty string)');
    await expect(run(connect({ db: -1 }))).rejects.toThrow('db must be an integer >= 0');
    await expect(run(connect({ username: 'u' }))).rejects.toThrow('username needs a password');
    await expect(run(connect({ port: redisPort(), commandTimeout: Number.NaN }))).rejects.toThrow('commandTimeout must be a finite number');
  });

  it('connect() reports a refused connection and a refused AUTH', async () => {
    const refusedPort = await run(function* () {
      const s = yield* tcpServerSocket('127.0.0.1', 0);
      const port = (s.getsockname() as [string, number])[1];
      s.close();
      return port;
    });
    await expect(run(connect({ port: refusedPort }))).rejects.toThrow(IOError);
    await expect(run(connect({ port: redisPort(), password: 'nope' }))).rejects.toThrow(RedisReplyError);
  });

  it('a closed connection says so; close() is idempotent', () => withConnection(function* (conn) {
    conn.close();
    conn.close();
    expect(conn.closed).toBe(true);
    const error = yield* failureOf(conn.get('k'));
    expect(error).toBeInstanceOf(RedisConnectionError);
    expect((error as Error).message).toBe('get(): the connection is closed');
  }));
});

describe('bad servers', () => {
  /** A server on 127.0.0.1 that answers every request with `reply` (then hangs up if asked). */
  function* fakeServer(reply: string, hangUp: boolean) {
    const listener = yield* tcpServerSocket('127.0.0.1', 0);
    const port = (listener.getsockname() as [string, number])[1];
    const task = yield* spawn(function* () {
      const [client] = yield* listener.accept();
      yield* client.recv(1000);
      yield* client.sendall(reply);
      if (hangUp) client.close();
      else yield* client.recv(1000);
      client.close();
    });
    return { port, listener, task };
  }

  it('bytes that are not RESP close the connection with a RedisProtocolError', () => run(function* () {
    const server = yield* fakeServer('HTTP/1.1 400 Bad Request\r\n\r\n', false);
    const conn = yield* connect({ port: server.port });
    const error = yield* failureOf(conn.get('k'));
    expect(error).toBeInstanceOf(RedisProtocolError);
    expect((error as Error).message).toContain('unknown reply type "H"');
    expect(conn.closed).toBe(true);
    const later = yield* failureOf(conn.ping());
    expect((later as Error).message).toMatch(/^ping\(\): the connection failed earlier \(bad reply from the server/);
    yield* server.task.join();
    server.listener.close();
  }));

  it('a reply of the wrong shape is a RedisProtocolError naming the command', () => run(function* () {
    const server = yield* fakeServer(':5\r\n', false);
    using conn = yield* connect({ port: server.port });
    const error = yield* failureOf(conn.get('k'));
    expect((error as Error).message).toBe('GET replied with the integer 5; expected a bulk string or nil');
    conn.close();
    yield* server.task.join();
    server.listener.close();
  }));

  it('a server hanging up mid-reply is a RedisConnectionError', () => run(function* () {
    const server = yield* fakeServer('$10\r\nhal', true);
    using conn = yield* connect({ port: server.port });
    const error = yield* failureOf(conn.get('k'));
    expect(error).toBeInstanceOf(RedisConnectionError);
    expect((error as Error).message).toBe('get(): the server closed the connection with 1 replies still to come');
    yield* server.task.join();
    server.listener.close();
  }));
});

describe('timeouts', () => {
  it('a command timing out leaves its reply owed; the next command drains it and gets its own', () => run(function* () {
    const proxy = new HoldingProxy();
    yield* proxy.start(redisPort());
    using conn = yield* connect({ port: proxy.port, db: 0 });
    yield* conn.set('t:k', 'first');
    proxy.hold();
    const error = yield* failureOf(conn.withTimeout(20).get('t:k'));
    expect(error).toBeInstanceOf(TaskTimeout);
    expect(conn.pendingReplies).toBe(1);
    yield* proxy.open();
    expect(yield* conn.echo('mine')).toBe('mine');
    expect(conn.pendingReplies).toBe(0);
    yield* proxy.close();
  }));

  it('commandTimeout limits every command on the connection', () => run(function* () {
    const proxy = new HoldingProxy();
    yield* proxy.start(redisPort());
    using conn = yield* connect({ port: proxy.port, commandTimeout: 20 });
    proxy.hold();
    const error = yield* failureOf(conn.ping());
    expect(error).toBeInstanceOf(TaskTimeout);
    yield* proxy.open();
    expect(yield* timeoutAfter(null, conn.echo('after'))).toBe('after');
    yield* proxy.close();
  }));
});
