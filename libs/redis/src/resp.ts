/**
 * RESP2, the Redis wire format: {@link encodeCommand} turns a command into request bytes,
 * {@link parseReply} reads one reply from a buffer. The parser is incremental in the
 * simplest way: it either returns a whole reply and where it ended, or says how many
 * bytes it needs at least before trying again, so the caller keeps unparsed bytes and
 * nothing is lost if it is cancelled while waiting for more.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import { RedisProtocolError, RedisReplyError } from './errors.js';

/**
 * One reply as it comes off the wire: a simple string (`+OK`) as a string, an integer as a
 * number, a bulk string as a Buffer (null for a nil bulk), an array (null for a nil array),
 * and an error reply as a {@link RedisReplyError} value (not thrown: the caller decides).
 *
 * @example
 * ```ts
 * import type { RespReply } from '@curio/redis';
 * const raw: RespReply = yield* db.commandBuffer('LRANGE', 'list', 0, -1);   // [Buffer, Buffer, ...]
 * ```
 */
export type RespReply = string | number | Buffer | null | RespReply[] | RedisReplyError;

/**
 * One argument of a command: strings are sent as UTF-8, numbers in decimal, Buffers as they are.
 *
 * @example
 * ```ts
 * import type { RedisArg } from '@curio/redis';
 * const args: RedisArg[] = ['user:1', 42, Buffer.from([0xff])];
 * yield* db.command('RPUSH', ...args);
 * ```
 */
export type RedisArg = string | number | Buffer;

const CR = 0x0d;
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
 * @throws RedisProtocolError on bytes that are not RESP2.
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
  const cursor = { pos: start };
  const value = parseAt(buf, cursor, need);
  if (value === INCOMPLETE) return INCOMPLETE;
  return { value, end: cursor.pos };
}

function parseAt(buf: Buffer, cursor: { pos: number }, need: { bytes: number }): RespReply | typeof INCOMPLETE {
  const pos = cursor.pos;
  if (pos >= buf.length) {
    need.bytes = pos + 1;
    return INCOMPLETE;
  }
  const lineEnd = buf.indexOf(CR, pos + 1);
  if (lineEnd < 0 || lineEnd + 1 >= buf.length) {
    need.bytes = buf.length + 1;
    return INCOMPLETE;
  }
  if (buf[lineEnd + 1] !== 0x0a) throw protocolError(buf, pos, 'a line ends in \\r without \\n');
  const type = buf[pos];
  const next = lineEnd + 2;
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
      const length = readInteger(buf, pos, lineEnd);
      if (length === -1) {
        cursor.pos = next;
        return null;
      }
      if (length < 0) throw protocolError(buf, pos, `a bulk string cannot have length ${length}`);
      const end = next + length;
      if (end + 2 > buf.length) {
        need.bytes = end + 2;
        return INCOMPLETE;
      }
      if (buf[end] !== CR || buf[end + 1] !== 0x0a) throw protocolError(buf, pos, `the bulk string of ${length} bytes is not followed by \\r\\n`);
      cursor.pos = end + 2;
      return buf.subarray(next, end);
    }
    case STAR: {
      const count = readInteger(buf, pos, lineEnd);
      if (count === -1) {
        cursor.pos = next;
        return null;
      }
      if (count < 0) throw protocolError(buf, pos, `an array cannot have ${count} elements`);
      const items: RespReply[] = new Array(count);
      cursor.pos = next;
      for (let i = 0; i < count; i++) {
        const item = parseAt(buf, cursor, need);
        if (item === INCOMPLETE) {
          cursor.pos = pos;
          return INCOMPLETE;
        }
        items[i] = item;
      }
      return items;
    }
    default:
      throw protocolError(buf, pos, `unknown reply type ${JSON.stringify(String.fromCharCode(type))} (RESP2 replies start with + - : $ or *)`);
  }
}

/** The integer on the header line `buf[pos+1 .. lineEnd)`. */
function readInteger(buf: Buffer, pos: number, lineEnd: number): number {
  let i = pos + 1;
  let negative = false;
  if (buf[i] === MINUS) {
    negative = true;
    i++;
  }
  if (i === lineEnd) throw protocolError(buf, pos, 'expected an integer');
  let n = 0;
  for (; i < lineEnd; i++) {
    const digit = buf[i] - 0x30;
    if (digit < 0 || digit > 9) throw protocolError(buf, pos, 'expected an integer');
    n = n * 10 + digit;
  }
  return negative ? -n : n;
}

function protocolError(buf: Buffer, pos: number, why: string): RedisProtocolError {
  const shown = JSON.stringify(buf.toString('latin1', pos, Math.min(buf.length, pos + 40)));
  return new RedisProtocolError(`bad reply from the server: ${why}, at ${shown}`);
}

/**
 * The request bytes of one command (a RESP array of bulk strings). All-string commands
 * become a string (Node encodes it once, on write); a Buffer argument makes it a Buffer.
 * @param name the name used in error messages (`'get'`).
 * @throws TypeError naming the argument if one is not a string, finite number or Buffer.
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
    } else if (typeof arg === 'number') {
      if (!Number.isFinite(arg)) throw badArgument(name, i, arg);
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
  return new TypeError(`${name}(): argument ${index + 1} must be a string, a finite number or a Buffer, got ${describe(value)}`);
}

/** A short description of a value for an error message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}
