/**
 * RESP2, the Redis wire format: {@link encodeCommand} turns a command into request bytes,
 * {@link parseReply} reads one reply from a buffer. The parser is incremental in the
 * simplest way: it either returns a whole reply and where it ended, or says how many
 * bytes it needs at least before trying again, so the caller keeps unparsed bytes and
 * nothing is lost if it is cancelled while waiting for more.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import { describeValue } from '@curio/kernel';
import { RedisProtocolError, RedisReplyError } from './errors.js';

/**
 * One reply as it comes off the wire: a simple string (`+OK`) as a string, an integer as a
 * number (a bigint when it is outside ±(2^53 − 1), so it is never rounded), a bulk string
 * as a Buffer (null for a nil bulk), an array (null for a nil array), and an error reply
 * as a {@link RedisReplyError} value (not thrown: the caller decides).
 *
 * @example
 * ```ts
 * import type { RespReply } from '@curio/redis';
 * const raw: RespReply = yield* db.commandBuffer('LRANGE', 'list', 0, -1);   // [Buffer, Buffer, ...]
 * ```
 */
export type RespReply = string | number | bigint | Buffer | null | RespReply[] | RedisReplyError;

/**
 * One argument of a command: strings are sent as UTF-8, numbers and bigints in decimal,
 * Buffers as they are.
 *
 * @example
 * ```ts
 * import type { RedisArg } from '@curio/redis';
 * const args: RedisArg[] = ['user:1', 42, 9007199254740993n, Buffer.from([0xff])];
 * yield* db.command('RPUSH', ...args);
 * ```
 */
export type RedisArg = string | number | bigint | Buffer;

/**
 * How big a reply may say it is. Redis itself refuses bulk strings over 512 MB
 * (`proto-max-bulk-len`) and arrays over 2^31 − 1 elements; a reply past a limit is a
 * {@link RedisProtocolError} as soon as its header arrives, before anything is allocated
 * for it. They are set with {@link ConnectOptions} `maxBulkLength` and `maxArrayLength`.
 *
 * @example
 * ```ts
 * import { connect, type ReplyLimits } from '@curio/redis';
 * const limits: ReplyLimits = { maxBulkLength: 16 * 1024 * 1024, maxArrayLength: 1_000_000 };
 * using conn = yield* connect({ port: 6379, ...limits });
 * ```
 */
export interface ReplyLimits {
  /** The longest bulk string, in bytes (also the longest status or error line). */
  readonly maxBulkLength: number;
  /** The most elements of one array. */
  readonly maxArrayLength: number;
}

/** @internal Redis's own limits: `proto-max-bulk-len` (512 MB) and a multibulk length of INT_MAX. */
export const DEFAULT_LIMITS: ReplyLimits = { maxBulkLength: 512 * 1024 * 1024, maxArrayLength: 2 ** 31 - 1 };

/** Arrays nest at most this deep (Redis replies nest a few levels; this keeps recursion over a reply safe). */
const MAX_DEPTH = 256;
/** An integer line holds at most a sign and 19 digits (a 64-bit integer). */
const MAX_INTEGER_LINE = 20;

const CR = 0x0d;
const LF = 0x0a;
const PLUS = 0x2b;
const MINUS = 0x2d;
const COLON = 0x3a;
const DOLLAR = 0x24;
const STAR = 0x2a;

/**
 * What {@link parseReply} returns while the reply is not complete yet.
 *
 * @example
 * ```ts
 * import { parseReply, INCOMPLETE } from '@curio/redis';
 * const need = { bytes: 0 };
 * const got = parseReply(Buffer.from('$5\r\nhel'), 0, need);
 * if (got === INCOMPLETE) console.log(`try again with ${need.bytes} bytes`);
 * ```
 */
export const INCOMPLETE: unique symbol = Symbol('incomplete');

/**
 * A parsed reply and the offset just after it.
 *
 * @example
 * ```ts
 * import { parseReply, INCOMPLETE, type Parsed } from '@curio/redis';
 * const got = parseReply(Buffer.from('+OK\r\n:1\r\n'), 0, { bytes: 0 });
 * if (got !== INCOMPLETE) {
 *   const { value, end }: Parsed = got;   // 'OK', 5: the next reply starts at 5
 * }
 * ```
 */
export interface Parsed {
  value: RespReply;
  end: number;
}

/**
 * Parses one reply starting at `start`. Returns the reply and where it ends, or
 * {@link INCOMPLETE} with `need.bytes` set to the buffer length worth trying again at.
 * It starts over on every call; a connection reads with a parser that resumes instead.
 * @throws RedisProtocolError on bytes that are not RESP2, or a size past Redis's limits.
 *
 * @example
 * ```ts
 * import { parseReply, INCOMPLETE } from '@curio/redis';
 * const buf = Buffer.from('*2\r\n:1\r\n$1\r\nx\r\n');
 * const need = { bytes: 0 };
 * const got = parseReply(buf, 0, need);   // { value: [1, <Buffer 78>], end: 16 }, or INCOMPLETE
 * ```
 */
export function parseReply(buf: Buffer, start: number, need: { bytes: number }): Parsed | typeof INCOMPLETE {
  const cursor = newCursor(start);
  const value = resumeReply(buf, cursor, [], DEFAULT_LIMITS);
  if (value === INCOMPLETE) {
    need.bytes = cursor.need;
    return INCOMPLETE;
  }
  return { value, end: cursor.pos };
}

/**
 * @internal Where parsing stands in a buffer: `pos` is the start of the first element not
 * yet parsed, `need` the buffer length worth trying again at, `scanned` how far the
 * current line was searched for its end (so a long line is not searched again).
 */
export interface Cursor {
  pos: number;
  need: number;
  scanned: number;
  /** The element count of the array header just read. */
  count: number;
}

/** @internal An array being filled: its elements so far and how many it has. */
export interface Frame {
  items: RespReply[];
  count: number;
}

/** @internal */
export function newCursor(pos: number): Cursor {
  return { pos, need: 0, scanned: 0, count: 0 };
}

const ARRAY_HEADER: unique symbol = Symbol('array header');

/**
 * @internal Parses on from `cursor.pos`, filling the arrays begun in `stack`, until a whole
 * reply is done (returned) or the bytes run out ({@link INCOMPLETE}: the cursor and the
 * stack keep what was parsed, so calling again with more bytes goes on from there).
 */
export function resumeReply(buf: Buffer, cursor: Cursor, stack: Frame[], limits: ReplyLimits): RespReply | typeof INCOMPLETE {
  for (;;) {
    const element = parseElement(buf, cursor, limits);
    if (element === INCOMPLETE) return INCOMPLETE;
    let value: RespReply;
    if (element === ARRAY_HEADER) {
      if (cursor.count > 0) {
        if (stack.length >= MAX_DEPTH) throw protocolError(buf, cursor.pos, `arrays nest deeper than ${MAX_DEPTH} levels`);
        stack.push({ items: [], count: cursor.count });
        continue;
      }
      value = [];
    } else {
      value = element;
    }
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        cursor.need = 0;
        return value;
      }
      top.items.push(value);
      if (top.items.length < top.count) break;
      stack.pop();
      value = top.items;
    }
  }
}

/** One element at `cursor.pos`: a whole scalar, the header of an array (count in `cursor.count`), or INCOMPLETE. */
function parseElement(buf: Buffer, cursor: Cursor, limits: ReplyLimits): RespReply | typeof INCOMPLETE | typeof ARRAY_HEADER {
  const pos = cursor.pos;
  if (pos >= buf.length) {
    cursor.need = pos + 1;
    return INCOMPLETE;
  }
  const type = buf[pos];
  // The type byte alone tells a bad reply (a stray CRLF, an HTTP answer): fail before waiting for a line.
  if (type !== PLUS && type !== MINUS && type !== COLON && type !== DOLLAR && type !== STAR) {
    throw protocolError(buf, pos, `unknown reply type ${JSON.stringify(String.fromCharCode(type))} (RESP2 replies start with + - : $ or *)`);
  }
  const maxLine = type === PLUS || type === MINUS ? limits.maxBulkLength : MAX_INTEGER_LINE;
  const lineEnd = buf.indexOf(CR, Math.max(pos + 1, cursor.scanned));
  const lineLength = (lineEnd < 0 ? buf.length : lineEnd) - pos - 1;
  if (lineLength > maxLine) throw protocolError(buf, pos, `a ${type === PLUS || type === MINUS ? 'status or error' : 'header'} line longer than ${maxLine} bytes`);
  if (lineEnd < 0 || lineEnd + 1 >= buf.length) {
    cursor.scanned = lineEnd < 0 ? buf.length : lineEnd;
    cursor.need = buf.length + 1;
    return INCOMPLETE;
  }
  if (buf[lineEnd + 1] !== LF) throw protocolError(buf, pos, 'a line ends in \\r without \\n');
  const next = lineEnd + 2;
  cursor.scanned = 0;
  switch (type) {
    case PLUS:
      cursor.pos = next;
      return buf.toString('utf8', pos + 1, lineEnd);
    case MINUS:
      cursor.pos = next;
      return new RedisReplyError(buf.toString('utf8', pos + 1, lineEnd));
    case COLON:
      cursor.pos = next;
      return readInteger(buf, pos, lineEnd);
    case DOLLAR: {
      const length = readLength(buf, pos, lineEnd, limits.maxBulkLength, 'maxBulkLength');
      if (length === -1) {
        cursor.pos = next;
        return null;
      }
      const end = next + length;
      if (end + 2 > buf.length) {
        cursor.need = end + 2;
        return INCOMPLETE;
      }
      if (buf[end] !== CR || buf[end + 1] !== LF) throw protocolError(buf, pos, `the bulk string of ${length} bytes is not followed by \\r\\n`);
      cursor.pos = end + 2;
      return buf.subarray(next, end);
    }
    default: {
      const count = readLength(buf, pos, lineEnd, limits.maxArrayLength, 'maxArrayLength');
      cursor.pos = next;
      if (count === -1) return null;
      cursor.count = count;
      return ARRAY_HEADER;
    }
  }
}

/** The length on a `$` or `*` line: -1 for nil, else 0 up to `max` (the limit named `limit`). */
function readLength(buf: Buffer, pos: number, lineEnd: number, max: number, limit: string): number {
  const length = readInteger(buf, pos, lineEnd);
  const what = buf[pos] === DOLLAR ? 'a bulk string' : 'an array';
  if (length === -1) return -1;
  if (length < 0) throw protocolError(buf, pos, `${what} cannot have length ${length}`);
  if (length > max) {
    throw protocolError(buf, pos, `${what} of ${length} ${what === 'an array' ? 'elements' : 'bytes'} is past the limit ${limit} (${max})`);
  }
  return Number(length);
}

/** The integer on the line `buf[pos+1 .. lineEnd)`: a number if it is a safe integer, else a bigint (never rounded). */
function readInteger(buf: Buffer, pos: number, lineEnd: number): number | bigint {
  let i = pos + 1;
  if (buf[i] === MINUS) i++;
  if (i === lineEnd) throw protocolError(buf, pos, 'expected an integer');
  let n = 0;
  for (let j = i; j < lineEnd; j++) {
    const digit = buf[j] - 0x30;
    if (digit < 0 || digit > 9) throw protocolError(buf, pos, 'expected an integer');
    n = n * 10 + digit;
  }
  const negative = i > pos + 1;
  if (n <= Number.MAX_SAFE_INTEGER) return negative ? -n : n;
  return BigInt(buf.toString('latin1', pos + 1, lineEnd));
}

function protocolError(buf: Buffer, pos: number, why: string): RedisProtocolError {
  const shown = JSON.stringify(buf.toString('latin1', pos, Math.min(buf.length, pos + 40)));
  return new RedisProtocolError(`bad reply from the server: ${why}, at ${shown}`);
}

/**
 * The request bytes of one command (a RESP array of bulk strings). All-string commands
 * become a string (Node encodes it once, on write); a Buffer argument makes it a Buffer.
 * @param name the name used in error messages (`'get'`).
 * @throws TypeError naming the argument if one is not a string, finite number, bigint or Buffer.
 *
 * @example
 * ```ts
 * import { encodeCommand } from '@curio/redis';
 * encodeCommand('set', ['SET', 'k', 1]);   // '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n1\r\n'
 * ```
 */
export function encodeCommand(name: string, args: readonly RedisArg[]): string | Buffer {
  if (args.length === 0) throw new TypeError(`${name}(): a command needs at least its name`);
  let out = `*${args.length}\r\n`;
  let parts: Buffer[] | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg === 'string') {
      out += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
    } else if (typeof arg === 'number' || typeof arg === 'bigint') {
      if (typeof arg === 'number' && !Number.isFinite(arg)) throw badArgument(name, i, arg);
      const text = String(arg);
      out += `$${text.length}\r\n${text}\r\n`;
    } else if (arg instanceof Uint8Array) {
      parts ??= [];
      parts.push(Buffer.from(`${out}$${arg.length}\r\n`), Buffer.isBuffer(arg) ? arg : Buffer.from(arg));
      out = '\r\n';
    } else {
      throw badArgument(name, i, arg);
    }
  }
  if (parts === null) return out;
  parts.push(Buffer.from(out));
  return Buffer.concat(parts);
}

function badArgument(name: string, index: number, value: unknown): TypeError {
  return new TypeError(`${name}(): argument ${index + 1} must be a string, a finite number, a bigint or a Buffer, got ${describeValue(value)}`);
}
