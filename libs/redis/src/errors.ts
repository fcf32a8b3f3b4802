/**
 * The errors of `@curio/redis`. A {@link RedisReplyError} is the server saying no (the
 * connection is fine); a {@link RedisProtocolError} or {@link RedisConnectionError} means
 * the connection can no longer be trusted, and it is closed.
 * @packageDocumentation
 */

/**
 * Base class of every error this package raises.
 *
 * ```ts
 * try { yield* conn.get('k'); } catch (e) { if (e instanceof RedisError) ... }
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
 * ```ts
 * try { yield* conn.incr('a-string'); }
 * catch (e) { if (e instanceof RedisReplyError && e.code === 'ERR') ... }
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
 * ```ts
 * catch (e) { if (e instanceof RedisProtocolError) console.error('bad reply:', e.message); }
 * ```
 */
export class RedisProtocolError extends RedisError {}

/**
 * The connection cannot be used: the server closed it, it failed earlier (its `cause`
 * says why), or it was closed by its owner.
 *
 * ```ts
 * catch (e) { if (e instanceof RedisConnectionError) conn = yield* connect(options); }
 * ```
 */
export class RedisConnectionError extends RedisError {}
