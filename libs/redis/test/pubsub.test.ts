import { run, spawn, TaskCancelled } from '@curio/kernel';
import { connect, RedisConnectionError } from '@curio/redis';
import { redisPort } from './helpers.js';
import { failureOf } from '../../../tools/jest/failure-of.js';

describe('pub/sub', () => {
  it('subscribe, receive messages in order, unsubscribe', () => run(function* () {
    using sub = yield* (yield* connect({ port: redisPort() })).subscribe('ps:a', 'ps:b');
    using pub = yield* connect({ port: redisPort() });
    expect(sub.channels.sort()).toEqual(['ps:a', 'ps:b']);
    expect(yield* pub.publish('ps:a', 'one')).toBe(1);
    expect(yield* pub.publish('ps:b', Buffer.from('two'))).toBe(1);
    expect(yield* pub.publish('ps:c', 'nobody')).toBe(0);
    const first = yield* sub.next();
    expect(first).toEqual({ channel: 'ps:a', pattern: null, message: 'one', data: Buffer.from('one') });
    expect((yield* sub.next()).message).toBe('two');
    yield* sub.unsubscribe('ps:a');
    expect(sub.channels).toEqual(['ps:b']);
    expect(yield* pub.publish('ps:a', 'gone')).toBe(0);
    yield* sub.unsubscribe();
    expect(sub.channels).toEqual([]);
  }));

  it('pattern subscriptions name the pattern', () => run(function* () {
    using sub = yield* (yield* connect({ port: redisPort() })).psubscribe('pp:*');
    using pub = yield* connect({ port: redisPort() });
    yield* pub.publish('pp:x', 'hi');
    expect(yield* sub.next()).toEqual({ channel: 'pp:x', pattern: 'pp:*', message: 'hi', data: Buffer.from('hi') });
    yield* sub.punsubscribe();
    expect(sub.patterns).toEqual([]);
  }));

  it('a cancelled next() loses no message; messages arriving during subscribe() are kept', () => run(function* () {
    const conn = yield* connect({ port: redisPort() });
    using sub = yield* conn.subscribe('pc:1');
    using pub = yield* connect({ port: redisPort() });
    const waiter = yield* spawn(function* () {
      return yield* sub.next();
    });
    yield* waiter.cancel();
    expect(waiter.exception).toBeInstanceOf(TaskCancelled);
    yield* pub.publish('pc:1', 'after-cancel');
    yield* sub.subscribe('pc:2');
    yield* pub.publish('pc:2', 'second');
    expect((yield* sub.next()).message).toBe('after-cancel');
    expect((yield* sub.next()).message).toBe('second');
  }));

  it('a subscriber connection refuses ordinary commands, clearly', () => run(function* () {
    const conn = yield* connect({ port: redisPort() });
    using sub = yield* conn.subscribe('pr:1');
    const error = yield* failureOf(conn.get('k'));
    expect(error).toBeInstanceOf(RedisConnectionError);
    expect((error as Error).message).toContain('get(): this connection is a subscriber');
    expect(conn.clean).toBe(false);
    expect(() => sub.subscribe()).not.toThrow();
    const empty = yield* failureOf(sub.subscribe());
    expect((empty as Error).message).toBe('subscribe(): give at least one channel');
  }));
});
