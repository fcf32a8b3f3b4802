/**
 * {@link Subscription}: Redis pub/sub on a connection turned subscriber. Every push the
 * server sends names its kind (`message`, `subscribe`, ...), so nothing can get out of
 * step: a confirmation that arrives after its `subscribe()` was cancelled just updates
 * the channel list, and messages that arrive while waiting for a confirmation are kept
 * for {@link Subscription.next}.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import { describeValue, type Operation } from '@curio/kernel';
import { makeCommand } from './command.js';
import { RedisProtocolError, RedisReplyError } from './errors.js';
import { toValue } from './reply.js';
import type { RespReply } from './resp.js';
import type { RedisConnection } from './connection.js';

/**
 * One published message, from {@link Subscription.next}.
 *
 * @example
 * ```ts
 * import type { PubSubMessage } from '@curio/redis';
 * const sub = yield* db.psubscribe('news.*');
 * const { channel, pattern, message }: PubSubMessage = yield* sub.next();   // 'news.tech', 'news.*', '...'
 * ```
 */
export interface PubSubMessage {
  /** The channel it was published on. */
  channel: string;
  /** The pattern that matched it (PSUBSCRIBE), or null for a channel subscription. */
  pattern: string | null;
  /** The message as UTF-8 text. */
  message: string;
  /** The message's bytes. */
  data: Buffer;
}

type Kind = 'subscribe' | 'psubscribe' | 'unsubscribe' | 'punsubscribe';

/**
 * The pub/sub side of a subscriber connection (from {@link RedisConnection.subscribe}).
 * One task at a time uses it (a second waits its turn): to change subscriptions while a
 * task waits in `next()`, cancel that `next()` (nothing is lost) or do it from that task.
 *
 * @example
 * ```ts
 * const sub = yield* db.subscribe('news');
 * for (;;) {
 *   const { channel, message } = yield* sub.next();
 *   console.log(channel, message);
 * }
 * ```
 */
export class Subscription {
  /** The subscriber connection. */
  readonly connection: RedisConnection;
  private readonly subscribed = { subscribe: new Set<string>(), psubscribe: new Set<string>() };
  private readonly waitingFor = { subscribe: new Set<string>(), psubscribe: new Set<string>(), unsubscribe: new Set<string>(), punsubscribe: new Set<string>() };
  private readonly messages: PubSubMessage[] = [];

  /** @internal Made by {@link RedisConnection.subscribe}. */
  constructor(connection: RedisConnection) {
    this.connection = connection;
  }

  /** The channels subscribed to (as confirmed by the server). */
  get channels(): string[] {
    return [...this.subscribed.subscribe];
  }

  /** The patterns subscribed to (as confirmed by the server). */
  get patterns(): string[] {
    return [...this.subscribed.psubscribe];
  }

  /** Subscribes to more channels; returns once the server confirmed each. @example `yield* sub.subscribe('alerts')` */
  subscribe(...channels: string[]): Operation<void> {
    return this.change('subscribe', channels);
  }

  /** Subscribes to glob patterns (`PSUBSCRIBE`). @example `yield* sub.psubscribe('news.*')` */
  psubscribe(...patterns: string[]): Operation<void> {
    return this.change('psubscribe', patterns);
  }

  /** Unsubscribes from channels (all of them with no argument). @example `yield* sub.unsubscribe('news')` */
  unsubscribe(...channels: string[]): Operation<void> {
    return this.change('unsubscribe', channels.length === 0 ? [...this.subscribed.subscribe] : channels);
  }

  /** Unsubscribes from patterns (all of them with no argument). @example `yield* sub.punsubscribe()` */
  punsubscribe(...patterns: string[]): Operation<void> {
    return this.change('punsubscribe', patterns.length === 0 ? [...this.subscribed.psubscribe] : patterns);
  }

  /**
   * Waits for the next message. Cancelled, it loses nothing: the message stays for the
   * next call.
   * @example `const { channel, message } = yield* sub.next()`
   */
  *next(): Operation<PubSubMessage> {
    const lock = this.connection._lock;
    yield* lock.acquire();
    try {
      while (this.messages.length === 0) this.handle(yield* this.connection._subscriberRead('next'));
      return this.messages.shift() as PubSubMessage;
    } catch (error) {
      this.closeIfGarbled(error);
      throw error;
    } finally {
      lock.release();
    }
  }

  /** Closes the subscriber connection. @example `sub.close()` */
  close(): void {
    this.connection.close();
  }

  /** `using sub = yield* conn.subscribe('x')` closes the connection at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }

  private *change(kind: Kind, names: string[]): Operation<void> {
    for (const name of names) {
      if (typeof name !== 'string' || name === '') throw new TypeError(`${kind}(): channel names and patterns must be non-empty strings, got ${describeValue(name)}`);
    }
    if (names.length === 0) {
      if (kind === 'subscribe' || kind === 'psubscribe') throw new TypeError(`${kind}(): give at least one ${kind === 'subscribe' ? 'channel' : 'pattern'}`);
      return;
    }
    const command = makeCommand(kind, [kind.toUpperCase(), ...names], toValue);
    const lock = this.connection._lock;
    yield* lock.acquire();
    try {
      const waiting = this.waitingFor[kind];
      const mine = new Set(names);
      yield* this.connection._subscriberWrite(kind, command.payload);
      for (const name of mine) waiting.add(name);
      while ([...mine].some((name) => waiting.has(name))) this.handle(yield* this.connection._subscriberRead(kind));
    } catch (error) {
      this.closeIfGarbled(error);
      throw error;
    } finally {
      lock.release();
    }
  }

  /** A push that is not pub/sub means the stream cannot be trusted: close the connection. */
  private closeIfGarbled(error: unknown): void {
    if (error instanceof RedisProtocolError) this.connection.close();
  }

  /** Files one push: a message is kept for next(), a confirmation updates the lists. */
  private handle(reply: RespReply): void {
    if (reply instanceof RedisReplyError) throw reply;
    if (!Array.isArray(reply) || reply.length < 3 || !Buffer.isBuffer(reply[0])) {
      throw new RedisProtocolError(`a subscriber connection received ${JSON.stringify(toValue(reply))}; expected a pub/sub push`);
    }
    const kind = reply[0].toString();
    const text = (i: number): string => {
      const item = reply[i];
      if (!Buffer.isBuffer(item)) throw new RedisProtocolError(`a ${kind} push has ${JSON.stringify(toValue(item))} at ${i}; expected a bulk string`);
      return item.toString();
    };
    switch (kind) {
      case 'message': {
        const data = reply[2] as Buffer;
        this.messages.push({ channel: text(1), pattern: null, message: text(2), data });
        return;
      }
      case 'pmessage': {
        if (reply.length < 4) break;
        this.messages.push({ pattern: text(1), channel: text(2), message: text(3), data: reply[3] as Buffer });
        return;
      }
      case 'subscribe':
      case 'psubscribe':
        this.subscribed[kind].add(text(1));
        this.waitingFor[kind].delete(text(1));
        return;
      case 'unsubscribe':
      case 'punsubscribe': {
        if (reply[1] === null) return;
        const from = kind === 'unsubscribe' ? 'subscribe' : 'psubscribe';
        this.subscribed[from].delete(text(1));
        this.waitingFor[kind].delete(text(1));
        return;
      }
    }
    throw new RedisProtocolError(`a subscriber connection received an unknown push ${JSON.stringify(kind)}`);
  }
}
