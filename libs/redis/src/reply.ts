/**
 * Turning raw replies ({@link RespReply}) into the typed values the command methods
 * return. An error reply is thrown here; a reply of the wrong shape for its command is a
 * {@link RedisProtocolError} naming the command, what came and what was expected.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import { RedisProtocolError, RedisReplyError } from './errors.js';
import type { RespReply } from './resp.js';

/**
 * A reply with bulk strings decoded as UTF-8: what {@link RedisCommands.command} and
 * pipelines return. Error replies inside arrays (a transaction's results) stay values.
 * An integer is a number, or a bigint when it is outside ±(2^53 − 1) (exact, never rounded).
 *
 * @example
 * ```ts
 * import type { RedisValue } from '@curio/redis';
 * const members: RedisValue = yield* db.command('SMEMBERS', 'tags');   // ['a', 'b']
 * ```
 */
export type RedisValue = string | number | bigint | null | RedisReplyError | RedisValue[];

/** Turns a raw reply into what a command method returns; `command` names it in errors. */
export type Decoder<T> = (reply: RespReply, command: string) => T;

/** Throws an error reply (naming the command); returns anything else. */
function ok(reply: RespReply, command: string): Exclude<RespReply, RedisReplyError> {
  if (reply instanceof RedisReplyError) throw reply.withCommand(command);
  return reply;
}

function shape(reply: RespReply): string {
  if (reply === null) return 'nil';
  if (typeof reply === 'string') return `the status ${JSON.stringify(reply)}`;
  if (typeof reply === 'number' || typeof reply === 'bigint') return `the integer ${reply}`;
  if (Buffer.isBuffer(reply)) return `a bulk string of ${reply.length} bytes`;
  if (Array.isArray(reply)) return `an array of ${reply.length}`;
  return 'an error';
}

function unexpected(command: string, reply: RespReply, expected: string): RedisProtocolError {
  return new RedisProtocolError(`${command} replied with ${shape(reply)}; expected ${expected}`);
}

/** Bulk strings as UTF-8 strings, recursively; errors inside arrays kept as values. */
export function toValue(reply: RespReply): RedisValue {
  if (Buffer.isBuffer(reply)) return reply.toString();
  if (Array.isArray(reply)) return reply.map(toValue);
  return reply;
}

/** Any reply, bulk strings decoded; a top-level error reply is thrown. */
export const asValue: Decoder<RedisValue> = (reply, command) => toValue(ok(reply, command));

/** Any reply, raw (bulk strings as Buffers); a top-level error reply is thrown. */
export const asRaw: Decoder<RespReply> = (reply, command) => ok(reply, command);

/** A bulk string (or status) as text, or null for nil. */
export const asStringOrNull: Decoder<string | null> = (reply, command) => {
  const r = ok(reply, command);
  if (r === null) return null;
  if (Buffer.isBuffer(r)) return r.toString();
  if (typeof r === 'string') return r;
  throw unexpected(command, r, 'a bulk string or nil');
};

/** A bulk string as a Buffer, or null for nil. */
export const asBufferOrNull: Decoder<Buffer | null> = (reply, command) => {
  const r = ok(reply, command);
  if (r === null || Buffer.isBuffer(r)) return r;
  throw unexpected(command, r, 'a bulk string or nil');
};

/** A string (status or bulk). */
export const asString: Decoder<string> = (reply, command) => {
  const r = asStringOrNull(reply, command);
  if (r === null) throw unexpected(command, null, 'a string');
  return r;
};

/**
 * An integer reply as a number. One a number cannot hold exactly is a RangeError giving
 * the exact value, never a rounded number (the methods that can meet one say how to get a bigint).
 */
export const asNumber: Decoder<number> = (reply, command) => {
  const r = asInteger(reply, command);
  if (typeof r === 'number') return r;
  throw new RangeError(`${command} replied with the integer ${r}, which a number cannot hold exactly (past Number.MAX_SAFE_INTEGER); ask for a bigint (incrBy(key, 1n)) or use command()`);
};

/** An integer reply: a number, or a bigint when outside the safe range. */
export const asInteger: Decoder<number | bigint> = (reply, command) => {
  const r = ok(reply, command);
  if (typeof r === 'number' || typeof r === 'bigint') return r;
  throw unexpected(command, r, 'an integer');
};

/** An integer reply as a bigint, whatever its size. */
export const asBigInt: Decoder<bigint> = (reply, command) => BigInt(asInteger(reply, command));

/** An integer reply read as a flag (1 = true). */
export const asBoolean: Decoder<boolean> = (reply, command) => asNumber(reply, command) === 1;

/** `+OK` (anything else is a protocol error). */
export const asOk: Decoder<void> = (reply, command) => {
  const r = ok(reply, command);
  if (r !== 'OK') throw unexpected(command, r, 'OK');
};

/** `+OK` as true, nil as false (SET with NX/XX). */
export const asOkOrNil: Decoder<boolean> = (reply, command) => {
  const r = ok(reply, command);
  if (r === null) return false;
  if (r === 'OK') return true;
  throw unexpected(command, r, 'OK or nil');
};

/** An array of strings. */
export const asStrings: Decoder<string[]> = (reply, command) => {
  const r = ok(reply, command);
  if (!Array.isArray(r)) throw unexpected(command, r, 'an array of strings');
  return r.map((item) => asString(item, command));
};

/** An array of strings or nils (MGET). */
export const asStringsOrNulls: Decoder<Array<string | null>> = (reply, command) => {
  const r = ok(reply, command);
  if (!Array.isArray(r)) throw unexpected(command, r, 'an array');
  return r.map((item) => asStringOrNull(item, command));
};

/** A flat array of field, value pairs as a record (HGETALL). */
export const asRecord: Decoder<Record<string, string>> = (reply, command) => {
  const items = asStrings(reply, command);
  if (items.length % 2 !== 0) throw new RedisProtocolError(`${command} replied with an odd number of items (${items.length}); expected field, value pairs`);
  const record: Record<string, string> = {};
  for (let i = 0; i < items.length; i += 2) record[items[i]] = items[i + 1];
  return record;
};
