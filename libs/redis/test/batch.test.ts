import { type Operation, run } from '@curio/kernel';
import { connect, RedisReplyError, type RedisConnection } from '@curio/redis';
import { redisPort } from './helpers.js';
import { failureOf } from '../../../tools/jest/failure-of.js';

const DB = 2;

function withConnection<T>(body: (conn: RedisConnection) => Operation<T>): Promise<T> {
  return run(function* () {
    using conn = yield* connect({ port: redisPort(), db: DB });
    return yield* body(conn);
  });
}

beforeAll(() => withConnection(function* (conn) {
  yield* conn.flushdb();
}));

describe('pipelines', () => {
  it('sends every command in one write and gives the replies in order', () => withConnection(function* (conn) {
    const p = conn.pipeline();
    for (let i = 0; i < 1000; i++) p.command('SET', `p:${i}`, i);
    for (let i = 0; i < 1000; i++) p.command('GET', `p:${i}`);
    expect(p.length).toBe(2000);
    const results = yield* p.exec();
    expect(results.slice(0, 1000)).toEqual(new Array(1000).fill('OK'));
    expect(results.slice(1000)).toEqual(Array.from({ length: 1000 }, (_, i) => String(i)));
    expect(p.length).toBe(0);
  }));

  it('an error reply is a result in its place; the rest still run', () => withConnection(function* (conn) {
    const results = yield* conn.pipeline().command('SET', 'p:s', 'x').command('INCR', 'p:s').command('GET', 'p:s').exec();
    expect(results[0]).toBe('OK');
    expect(results[1]).toBeInstanceOf(RedisReplyError);
    expect((results[1] as RedisReplyError).command).toBe('INCR');
    expect(results[2]).toBe('x');
  }));

  it('refuses an empty exec and bad arguments at once', () => withConnection(function* (conn) {
    const error = yield* failureOf(conn.pipeline().exec());
    expect((error as Error).message).toBe('pipeline.exec(): nothing is queued; add commands with command() first');
    expect(() => conn.pipeline().command('SET', 'k', undefined as unknown as string)).toThrow('pipeline.command(): argument 3 must be');
  }));
});

describe('transactions', () => {
  it('MULTI/EXEC runs the commands and gives their results', () => withConnection(function* (conn) {
    const results = yield* conn.multi().command('SET', 'm:a', 10).command('INCRBY', 'm:a', 5).command('GET', 'm:a').exec();
    expect(results).toEqual(['OK', 15, '15']);
  }));

  it('a command failing at run time is a result; the others ran', () => withConnection(function* (conn) {
    const results = yield* conn.multi().command('SET', 'm:s', 'text').command('INCR', 'm:s').command('SET', 'm:t', 'ran').exec();
    expect(results?.[1]).toBeInstanceOf(RedisReplyError);
    expect(yield* conn.get('m:t')).toBe('ran');
  }));

  it('a queued command refused by the server aborts everything (EXECABORT, cause = the refusal)', () => withConnection(function* (conn) {
    const error = yield* failureOf(conn.multi().command('SET', 'm:never', 1).command('NOSUCHCOMMAND').exec());
    expect(error).toBeInstanceOf(RedisReplyError);
    expect((error as RedisReplyError).code).toBe('EXECABORT');
    expect(((error as RedisReplyError).cause as RedisReplyError).command).toBe('NOSUCHCOMMAND');
    expect(yield* conn.get('m:never')).toBeNull();
    expect(yield* conn.ping()).toBe('PONG');
  }));

  it('WATCH: exec() gives null when a watched key changed, and the results when not', () => run(function* () {
    using conn = yield* connect({ port: redisPort(), db: DB });
    using other = yield* connect({ port: redisPort(), db: DB });
    yield* conn.set('w:balance', 100);
    yield* conn.watch('w:balance');
    expect(conn.clean).toBe(false);
    yield* other.incrBy('w:balance', 1);
    expect(yield* conn.multi().command('DECRBY', 'w:balance', 10).exec()).toBeNull();
    expect(conn.clean).toBe(true);
    yield* conn.watch('w:balance');
    expect(yield* conn.multi().command('DECRBY', 'w:balance', 10).exec()).toEqual([91]);
    yield* conn.watch('w:balance');
    yield* conn.unwatch();
    expect(conn.clean).toBe(true);
  }));
});
