/**
 * The errors of `@curio/redis`. A {@link RedisReplyError} is the server saying no (the
 * connection is fine); a {@link RedisProtocolError} or {@link RedisConnectionError} means
 * the connection can no longer be trusted, and it is closed.
 * @packageDocumentation
 */

/**
 * Base class of every error this package raises.
 *
 * @example
 * ```ts
 * import { RedisError } from '@curio/redis';
 * try { yield* db.get('k'); } catch (e) { if (e instanceof RedisError) console.error('redis:', e.message); else throw e; }
 * ```
 */
export class RedisError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * An error reply from the server (`-ERR ...`, `-WRONGTYPE ...`). The connection stays in
 * step and usable. `code` is the first word of the reply (`'ERR'`, `'WRONGTYPE'`,
 * `'NOSCRIPT'`, ...); `command` names the command that drew it, when known.
 *
 * @example
 * ```ts
 * import { RedisReplyError } from '@curio/redis';
 * try { yield* db.incr('a-string'); }
 * catch (e) { if (e instanceof RedisReplyError && e.code === 'ERR') console.log(e.message); else throw e; }
 * ```
 */
export class RedisReplyError extends RedisError {
  /** The error code: the reply's first word, such as `'ERR'` or `'WRONGTYPE'`. */
  readonly code: string;
  /** The server's message, as sent (without the leading `-`). */
  readonly reply: string;
  /** The command that drew the error (`'INCR'`), or `''` if unknown. */
  readonly command: string;

  constructor(reply: string, command = '') {
    super(command === '' ? reply : `${command}: ${reply}`);
    const space = reply.indexOf(' ');
    this.code = space < 0 ? reply : reply.slice(0, space);
    this.reply = reply;
    this.command = command;
  }

  /** The same error, naming the command that drew it. */
  withCommand(command: string): RedisReplyError {
    return this.command === command ? this : new RedisReplyError(this.reply, command);
  }
}

/**
 * The server sent bytes that are not RESP (or not what the command can return). The
 * connection is closed: nothing after the bad bytes can be matched to a command.
 *
 * @example
 * ```ts
 * import { RedisProtocolError } from '@curio/redis';
 * try { yield* db.get('k'); }
 * catch (e) { if (e instanceof RedisProtocolError) console.error('bad reply:', e.message); else throw e; }
 * ```
 */
export class RedisProtocolError extends RedisError {}

/**
 * The connection cannot be used: the server closed it, it failed earlier (its `cause`
 * says why), or it was closed by its owner.
 *
 * @example
 * ```ts
 * import { connect, RedisConnectionError, type RedisConnection } from '@curio/redis';
 * let redisConn: RedisConnection = yield* connect({ port: 6379 });
 * try { yield* redisConn.get('k'); }
 * catch (e) { if (e instanceof RedisConnectionError) redisConn = yield* connect({ port: 6379 }); else throw e; }
 * ```
 */
export class RedisConnectionError extends RedisError {}
