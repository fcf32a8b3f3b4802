/**
 * {@link Pipeline} and {@link Transaction}: several commands in one write, every reply
 * read back in order. A cancelled `exec()` either sent nothing or sent everything (and
 * the connection drains the replies it was owed, as for a single command).
 * @packageDocumentation
 */
import type { Operation } from '@curio/kernel';
import { joinPayloads, makeCommand } from './command.js';
import { RedisProtocolError, RedisReplyError } from './errors.js';
import { toValue, type RedisValue } from './reply.js';
import type { RedisArg, RespReply } from './resp.js';
import type { RedisConnection } from './connection.js';

/**
 * One result of a pipeline or transaction: the reply, or the error reply as a value.
 *
 * @example
 * ```ts
 * import { RedisReplyError, type PipelineResult } from '@curio/redis';
 * const results: PipelineResult[] = yield* db.pipeline().command('INCR', 'n').command('INCR', 'a-string').exec();
 * for (const r of results) if (r instanceof RedisReplyError) console.log('failed:', r.message);
 * ```
 */
export type PipelineResult = RedisValue;

/**
 * What {@link Pipeline} and {@link Transaction} share: commands queued on a connection,
 * sent in one write.
 *
 * @example
 * ```ts
 * const queued = db.pipeline().command('PING').length; // 1
 * ```
 */
export abstract class CommandBatch {
  /** @internal */ protected readonly names: string[] = [];
  /** @internal */ protected readonly payloads: Array<string | Buffer> = [];
  /** @internal A queued command can make the server wait (BLPOP, ...): see {@link RedisConnection}. */
  protected blocking = false;

  /** @internal Made by {@link RedisConnection.pipeline} or {@link RedisConnection.multi}. */
  constructor(protected readonly connection: RedisConnection) {}

  /** How many commands are queued. */
  get length(): number {
    return this.payloads.length;
  }

  /**
   * Queues a command (name first, then its arguments); returns the batch for chaining.
   * @throws TypeError at once for an argument that is not a string, finite number, bigint or Buffer.
   */
  command(...args: RedisArg[]): this {
    const command = makeCommand(`${this.kind()}.command`, args, toValue);
    this.names.push(command.name);
    this.payloads.push(command.payload);
    this.blocking ||= command.blocking;
    return this;
  }

  /** @internal */
  protected abstract kind(): string;

  /** @internal Sends everything queued (plus `before`/`after`) and reads every reply; `blocking` as for {@link RedisConnection.roundTrip}. */
  protected *send(method: string, blocking: boolean, before: RedisArg[] | null = null, after: RedisArg[] | null = null): Operation<RespReply[]> {
    if (this.payloads.length === 0) throw new TypeError(`${this.kind()}.${method}(): nothing is queued; add commands with command() first`);
    const payloads = this.payloads.splice(0);
    if (before !== null) payloads.unshift(makeCommand(method, before, toValue).payload);
    if (after !== null) payloads.push(makeCommand(method, after, toValue).payload);
    const count = payloads.length;
    this.blocking = false;
    return yield* this.connection.roundTrip(`${this.kind()}.${method}`, joinPayloads(payloads), count, blocking);
  }
}

/**
 * Commands queued on a connection and sent together by {@link Pipeline.exec}: one write,
 * one wait, every reply in order. Error replies are results (a {@link RedisReplyError}
 * in its place), not exceptions, so one failed command does not hide the others.
 *
 * @example
 * ```ts
 * const p = db.pipeline();
 * for (let i = 0; i < 100; i++) p.command('SET', `k${i}`, i);
 * const results = yield* p.exec();   // ['OK', 'OK', ...]
 * ```
 */
export class Pipeline extends CommandBatch {
  /**
   * Sends the queued commands and gives their replies in order (bulk strings as UTF-8
   * strings, error replies as {@link RedisReplyError} values). A pipeline runs once.
   */
  *exec(): Operation<PipelineResult[]> {
    const names = this.names.splice(0);
    const replies = yield* this.send('exec', this.blocking);
    return replies.map((reply, i) => (reply instanceof RedisReplyError ? reply.withCommand(names[i]) : toValue(reply)));
  }

  /** @internal */
  protected kind(): string {
    return 'pipeline';
  }
}

/**
 * A MULTI/EXEC transaction: the queued commands run atomically on the server.
 * {@link Transaction.exec} sends `MULTI`, the commands and `EXEC` in one write and gives
 * the results (error replies as values), or null if a key watched with
 * {@link RedisConnection.watch} changed.
 *
 * @example
 * ```ts
 * const results = yield* db.multi().command('DECRBY', 'a', 5).command('INCRBY', 'b', 5).exec();
 * ```
 */
export class Transaction extends CommandBatch {
  /**
   * Runs the transaction. Gives the results in order, or null if a watched key changed.
   * @throws RedisReplyError `EXECABORT` if the server refused a queued command (a syntax
   * error, say): nothing ran. Its `cause` is the first refusal.
   */
  *exec(): Operation<PipelineResult[] | null> {
    const names = this.names.splice(0);
    // Inside MULTI nothing blocks: the server answers BLPOP at once.
    const replies = yield* this.send('exec', false, ['MULTI'], ['EXEC']);
    this.connection._watchEnded();
    const multi = replies[0];
    if (multi instanceof RedisReplyError) throw multi.withCommand('MULTI');
    const refused = replies.slice(1, -1).findIndex((r) => r instanceof RedisReplyError);
    const exec = replies[replies.length - 1];
    if (exec instanceof RedisReplyError) {
      const error = exec.withCommand('EXEC');
      if (refused >= 0) Object.defineProperty(error, 'cause', { value: (replies[refused + 1] as RedisReplyError).withCommand(names[refused]), configurable: true });
      throw error;
    }
    if (exec === null) return null;
    if (!Array.isArray(exec)) throw new RedisProtocolError(`EXEC replied with ${typeof exec}; expected an array or nil`);
    return exec.map((reply, i) => (reply instanceof RedisReplyError ? reply.withCommand(names[i] ?? '') : toValue(reply)));
  }

  /** @internal */
  protected kind(): string {
    return 'multi';
  }
}
