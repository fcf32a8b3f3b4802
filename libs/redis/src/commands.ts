/**
 * {@link RedisCommands}: the typed command methods, shared by a connection, a pool (each
 * command on a connection it borrows) and a timed view ({@link RedisCommands.withTimeout}).
 * Subclasses only say how one {@link Command} is carried out.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import { describeValue, timeoutAfter, type Operation } from '@curio/kernel';
import { makeCommand, type Command } from './command.js';
import { type RedisArg, type RespReply } from './resp.js';
import {
  asBigInt, asBoolean, asBufferOrNull, asNumber, asOk, asOkOrNil, asRaw, asRecord, asString, asStringOrNull, asStrings,
  asStringsOrNulls, asValue, type RedisValue,
} from './reply.js';

/**
 * Options of {@link RedisCommands.set}.
 *
 * @example
 * ```ts
 * import type { SetOptions } from '@curio/redis';
 * const once: SetOptions = { nx: true, px: 30_000 };   // a lock that expires
 * const taken = yield* db.set('lock:report', 'worker-1', once);
 * ```
 */
export interface SetOptions {
  /** Expire after this many seconds (`EX`). */
  ex?: number;
  /** Expire after this many milliseconds (`PX`). */
  px?: number;
  /** Only set if the key does not exist (`NX`). */
  nx?: boolean;
  /** Only set if the key exists (`XX`). */
  xx?: boolean;
}

/** Commands that change how the server replies: they have their own methods. */
const REFUSED: Record<string, string> = {
  SUBSCRIBE: 'use connection.subscribe()',
  PSUBSCRIBE: 'use connection.psubscribe()',
  SSUBSCRIBE: 'sharded pub/sub is not supported',
  UNSUBSCRIBE: 'use subscription.unsubscribe()',
  PUNSUBSCRIBE: 'use subscription.punsubscribe()',
  MONITOR: 'MONITOR turns the connection into a feed; it is not supported',
  SYNC: 'replication commands are not supported',
  PSYNC: 'replication commands are not supported',
  MULTI: 'use connection.multi() and exec()',
  EXEC: 'use connection.multi() and exec()',
  DISCARD: 'use connection.multi() and exec()',
  HELLO: 'this client speaks RESP2 only',
};

/** Commands that leave per-connection state behind: a pool will not hand the connection out again. */
const STATEFUL = new Set(['SELECT', 'AUTH', 'CLIENT', 'RESET', 'READONLY', 'READWRITE', 'WATCH', 'SWAPDB']);

/**
 * The typed Redis commands. Every method is an operation giving the reply as a plain
 * value (`get` gives `string | null`, `incr` a number, ...); an error reply is thrown
 * as a {@link RedisReplyError}. Anything without a method goes through
 * {@link RedisCommands.command}.
 *
 * @example
 * ```ts
 * yield* db.set('greeting', 'hello', { ex: 60 });
 * const text = yield* db.get('greeting'); // 'hello'
 * ```
 */
export abstract class RedisCommands {
  /** @internal Carries out one command: sends it, reads its reply, decodes it. */
  abstract _execute<T>(command: Command<T>): Operation<T>;

  /** @internal Told when {@link RedisCommands.command} sends a command that leaves connection state behind. */
  _noteStateful(_name: string): void {}

  /**
   * A view of these commands in which each one is limited to `ms` milliseconds (it fails
   * with `TaskTimeout`, like `timeoutAfter(ms, op)`, which works just as well). A command
   * that times out never leaves its connection out of step (see the connection's docs).
   *
   * @example
   * ```ts
   * const value = yield* db.withTimeout(50).get('k');
   * ```
   */
  withTimeout(ms: number): RedisCommands {
    if (typeof ms !== 'number' || !(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`withTimeout(): ms must be a finite number >= 0, got ${describeValue(ms)}`);
    return new TimedCommands(this, ms);
  }

  /**
   * Any command, by name and arguments; the reply with bulk strings decoded as UTF-8.
   * Commands that change how the server replies (SUBSCRIBE, MULTI, MONITOR, HELLO, ...)
   * are refused: they have their own methods.
   * Integers come as numbers, or bigints outside ±(2^53 − 1).
   * @throws TypeError for an argument that is not a string, finite number, bigint or Buffer.
   *
   * @example
   * ```ts
   * const n = yield* db.command('ZADD', 'board', 10, 'ann'); // 1
   * ```
   */
  command(...args: RedisArg[]): Operation<RedisValue> {
    return this._execute(this.generic('command', args, asValue));
  }

  /**
   * Like {@link RedisCommands.command}, with the raw reply: bulk strings as Buffers.
   *
   * @example
   * ```ts
   * const bytes = yield* db.commandBuffer('GET', 'image'); // Buffer | null
   * ```
   */
  commandBuffer(...args: RedisArg[]): Operation<RespReply> {
    return this._execute(this.generic('commandBuffer', args, asRaw));
  }

  /** `PING` (or `PING message`): `'PONG'`, or the message. @example `yield* conn.ping()` */
  ping(message?: string): Operation<string> {
    return this._execute(makeCommand('ping', message === undefined ? ['PING'] : ['PING', message], asString));
  }

  /** `ECHO message`. @example `yield* conn.echo('hi') // 'hi'` */
  echo(message: RedisArg): Operation<string> {
    return this._execute(makeCommand('echo', ['ECHO', message], asString));
  }

  /** `GET key`: the value as a string, or null if the key does not exist. @example `yield* conn.get('k')` */
  get(key: RedisArg): Operation<string | null> {
    return this._execute(makeCommand('get', ['GET', key], asStringOrNull));
  }

  /** `GET key`, the value as raw bytes. @example `const bytes = yield* conn.getBuffer('k')` */
  getBuffer(key: RedisArg): Operation<Buffer | null> {
    return this._execute(makeCommand('getBuffer', ['GET', key], asBufferOrNull));
  }

  /**
   * `SET key value [EX s | PX ms] [NX | XX]`: true if the value was set, false if `nx`/`xx`
   * prevented it.
   * @example `yield* conn.set('lock', 'me', { nx: true, px: 5000 })`
   */
  set(key: RedisArg, value: RedisArg, options: SetOptions = {}): Operation<boolean> {
    const args: RedisArg[] = ['SET', key, value];
    if (typeof options !== 'object' || options === null) throw new TypeError(`set(): options must be an object, got ${describeValue(options)}`);
    if (options.ex !== undefined) args.push('EX', positiveInteger('set', 'ex', options.ex));
    if (options.px !== undefined) args.push('PX', positiveInteger('set', 'px', options.px));
    if (options.ex !== undefined && options.px !== undefined) throw new TypeError('set(): give ex or px, not both');
    if (options.nx && options.xx) throw new TypeError('set(): give nx or xx, not both');
    if (options.nx) args.push('NX');
    if (options.xx) args.push('XX');
    return this._execute(makeCommand('set', args, asOkOrNil));
  }

  /** `DEL key...`: how many keys were removed. @example `yield* conn.del('a', 'b')` */
  del(...keys: RedisArg[]): Operation<number> {
    return this._execute(makeCommand('del', ['DEL', ...atLeastOne('del', 'key', keys)], asNumber));
  }

  /** `EXISTS key...`: how many of the keys exist. @example `yield* conn.exists('a')` */
  exists(...keys: RedisArg[]): Operation<number> {
    return this._execute(makeCommand('exists', ['EXISTS', ...atLeastOne('exists', 'key', keys)], asNumber));
  }

  /**
   * `INCR key`: the new value. Redis counters are 64-bit: a value past
   * `Number.MAX_SAFE_INTEGER` is a RangeError giving it exactly (the increment was
   * done); for such counters use `incrBy(key, 1n)`, which gives bigints.
   * @example `yield* conn.incr('hits')`
   */
  incr(key: RedisArg): Operation<number> {
    return this._execute(makeCommand('incr', ['INCR', key], asNumber));
  }

  /**
   * `INCRBY key n`: the new value. Give `n` as a number to get a number (a value past
   * `Number.MAX_SAFE_INTEGER` is then a RangeError giving it exactly, never a rounded
   * number), or as a bigint to get a bigint: exact across Redis's 64-bit range.
   *
   * @example
   * ```ts
   * const hits: number = yield* db.incrBy('hits', 10);
   * const big: bigint = yield* db.incrBy('ledger', 9007199254740993n);   // 9007199254740993n
   * ```
   */
  incrBy(key: RedisArg, n: number): Operation<number>;
  incrBy(key: RedisArg, n: bigint): Operation<bigint>;
  incrBy(key: RedisArg, n: number | bigint): Operation<number | bigint> {
    if (typeof n === 'bigint') return this._execute(makeCommand('incrBy', ['INCRBY', key, n], asBigInt));
    return this._execute(makeCommand('incrBy', ['INCRBY', key, integer('incrBy', 'n', n)], asNumber));
  }

  /** `DECR key`: the new value (past the safe range, a RangeError as for {@link RedisCommands.incr}). @example `yield* conn.decr('stock')` */
  decr(key: RedisArg): Operation<number> {
    return this._execute(makeCommand('decr', ['DECR', key], asNumber));
  }

  /** `EXPIRE key seconds`: true if the key exists (and now expires). @example `yield* conn.expire('k', 60)` */
  expire(key: RedisArg, seconds: number): Operation<boolean> {
    return this._execute(makeCommand('expire', ['EXPIRE', key, integer('expire', 'seconds', seconds)], asBoolean));
  }

  /** `PEXPIRE key ms`: true if the key exists. @example `yield* conn.pexpire('k', 1500)` */
  pexpire(key: RedisArg, ms: number): Operation<boolean> {
    return this._execute(makeCommand('pexpire', ['PEXPIRE', key, integer('pexpire', 'ms', ms)], asBoolean));
  }

  /** `TTL key`: seconds left; -1 without expiry, -2 if the key does not exist. @example `yield* conn.ttl('k')` */
  ttl(key: RedisArg): Operation<number> {
    return this._execute(makeCommand('ttl', ['TTL', key], asNumber));
  }

  /** `MGET key...`: the values, null where a key does not exist. @example `yield* conn.mget('a', 'b')` */
  mget(...keys: RedisArg[]): Operation<Array<string | null>> {
    return this._execute(makeCommand('mget', ['MGET', ...atLeastOne('mget', 'key', keys)], asStringsOrNulls));
  }

  /** `MSET key value ...` from a record. @example `yield* conn.mset({ a: '1', b: '2' })` */
  mset(values: Record<string, RedisArg>): Operation<void> {
    return this._execute(makeCommand('mset', ['MSET', ...pairs('mset', values)], asOk));
  }

  /** `HSET key field value ...` from a record: how many fields were added. @example `yield* conn.hset('user:1', { name: 'ann' })` */
  hset(key: RedisArg, fields: Record<string, RedisArg>): Operation<number> {
    return this._execute(makeCommand('hset', ['HSET', key, ...pairs('hset', fields)], asNumber));
  }

  /** `HGET key field`. @example `yield* conn.hget('user:1', 'name')` */
  hget(key: RedisArg, field: RedisArg): Operation<string | null> {
    return this._execute(makeCommand('hget', ['HGET', key, field], asStringOrNull));
  }

  /** `HGETALL key` as a record (empty if the key does not exist). @example `yield* conn.hgetall('user:1')` */
  hgetall(key: RedisArg): Operation<Record<string, string>> {
    return this._execute(makeCommand('hgetall', ['HGETALL', key], asRecord));
  }

  /** `HDEL key field...`: how many fields were removed. @example `yield* conn.hdel('user:1', 'name')` */
  hdel(key: RedisArg, ...fields: RedisArg[]): Operation<number> {
    return this._execute(makeCommand('hdel', ['HDEL', key, ...atLeastOne('hdel', 'field', fields)], asNumber));
  }

  /** `LPUSH key value...`: the list's new length. @example `yield* conn.lpush('jobs', 'a')` */
  lpush(key: RedisArg, ...values: RedisArg[]): Operation<number> {
    return this._execute(makeCommand('lpush', ['LPUSH', key, ...atLeastOne('lpush', 'value', values)], asNumber));
  }

  /** `RPUSH key value...`: the list's new length. @example `yield* conn.rpush('jobs', 'a', 'b')` */
  rpush(key: RedisArg, ...values: RedisArg[]): Operation<number> {
    return this._execute(makeCommand('rpush', ['RPUSH', key, ...atLeastOne('rpush', 'value', values)], asNumber));
  }

  /** `LPOP key`: the first element, or null. @example `yield* conn.lpop('jobs')` */
  lpop(key: RedisArg): Operation<string | null> {
    return this._execute(makeCommand('lpop', ['LPOP', key], asStringOrNull));
  }

  /** `RPOP key`: the last element, or null. @example `yield* conn.rpop('jobs')` */
  rpop(key: RedisArg): Operation<string | null> {
    return this._execute(makeCommand('rpop', ['RPOP', key], asStringOrNull));
  }

  /** `LLEN key`. @example `yield* conn.llen('jobs')` */
  llen(key: RedisArg): Operation<number> {
    return this._execute(makeCommand('llen', ['LLEN', key], asNumber));
  }

  /** `LRANGE key start stop` (inclusive; -1 is the last). @example `yield* conn.lrange('jobs', 0, -1)` */
  lrange(key: RedisArg, start: number, stop: number): Operation<string[]> {
    return this._execute(makeCommand('lrange', ['LRANGE', key, integer('lrange', 'start', start), integer('lrange', 'stop', stop)], asStrings));
  }

  /** `SADD key member...`: how many were added. @example `yield* conn.sadd('tags', 'a', 'b')` */
  sadd(key: RedisArg, ...members: RedisArg[]): Operation<number> {
    return this._execute(makeCommand('sadd', ['SADD', key, ...atLeastOne('sadd', 'member', members)], asNumber));
  }

  /** `SREM key member...`: how many were removed. @example `yield* conn.srem('tags', 'a')` */
  srem(key: RedisArg, ...members: RedisArg[]): Operation<number> {
    return this._execute(makeCommand('srem', ['SREM', key, ...atLeastOne('srem', 'member', members)], asNumber));
  }

  /** `SMEMBERS key` (in the server's order). @example `yield* conn.smembers('tags')` */
  smembers(key: RedisArg): Operation<string[]> {
    return this._execute(makeCommand('smembers', ['SMEMBERS', key], asStrings));
  }

  /** `SISMEMBER key member`. @example `yield* conn.sismember('tags', 'a')` */
  sismember(key: RedisArg, member: RedisArg): Operation<boolean> {
    return this._execute(makeCommand('sismember', ['SISMEMBER', key, member], asBoolean));
  }

  /** `PUBLISH channel message`: how many subscribers received it. @example `yield* conn.publish('news', 'hi')` */
  publish(channel: RedisArg, message: RedisArg): Operation<number> {
    return this._execute(makeCommand('publish', ['PUBLISH', channel, message], asNumber));
  }

  /** `KEYS pattern` (scans the whole keyspace: for tests and tools). @example `yield* conn.keys('user:*')` */
  keys(pattern: RedisArg): Operation<string[]> {
    return this._execute(makeCommand('keys', ['KEYS', pattern], asStrings));
  }

  /** `DBSIZE`: the number of keys in the current database. @example `yield* conn.dbsize()` */
  dbsize(): Operation<number> {
    return this._execute(makeCommand('dbsize', ['DBSIZE'], asNumber));
  }

  /** `FLUSHDB`: removes every key of the current database. @example `yield* conn.flushdb()` */
  flushdb(): Operation<void> {
    return this._execute(makeCommand('flushdb', ['FLUSHDB'], asOk));
  }

  private generic<T>(method: string, args: RedisArg[], decode: (reply: RespReply, command: string) => T): Command<T> {
    const command = makeCommand(method, args, decode);
    const refused = REFUSED[command.name];
    if (refused !== undefined) throw new TypeError(`${method}(): ${command.name} cannot be sent this way: ${refused}`);
    if (STATEFUL.has(command.name)) this._noteStateful(command.name);
    return command;
  }
}

/** {@link RedisCommands.withTimeout}'s view. */
class TimedCommands extends RedisCommands {
  constructor(private readonly target: RedisCommands, private readonly ms: number) {
    super();
  }

  _execute<T>(command: Command<T>): Operation<T> {
    return timeoutAfter(this.ms, this.target._execute(command));
  }

  override _noteStateful(name: string): void {
    this.target._noteStateful(name);
  }
}

function integer(method: string, name: string, value: number): number {
  if (!Number.isSafeInteger(value)) throw new TypeError(`${method}(): ${name} must be an integer, got ${describeValue(value)}`);
  return value;
}

function positiveInteger(method: string, name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`${method}(): ${name} must be a positive integer, got ${describeValue(value)}`);
  return value;
}

function atLeastOne(method: string, what: string, values: RedisArg[]): RedisArg[] {
  if (values.length === 0) throw new TypeError(`${method}(): give at least one ${what}`);
  return values;
}

function pairs(method: string, record: Record<string, RedisArg>): RedisArg[] {
  if (typeof record !== 'object' || record === null || Array.isArray(record) || Buffer.isBuffer(record)) {
    throw new TypeError(`${method}(): expected a record of field: value, got ${describeValue(record)}`);
  }
  const out: RedisArg[] = [];
  for (const [k, v] of Object.entries(record)) out.push(k, v);
  if (out.length === 0) throw new TypeError(`${method}(): the record is empty; give at least one field`);
  return out;
}
