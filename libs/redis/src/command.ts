/**
 * {@link Command}: one encoded request and how to read its reply. Commands are encoded
 * when they are made, so a bad argument is reported before anything is sent or waited for.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import { encodeCommand, type RedisArg } from './resp.js';
import type { Decoder } from './reply.js';

/** One command ready to send: its request bytes and the decoder of its reply. */
export interface Command<T> {
  /** The method that made it, for error messages (`'get'`). */
  readonly method: string;
  /** The command's name as Redis knows it (`'GET'`), for error messages. */
  readonly name: string;
  /** The request bytes. */
  readonly payload: string | Buffer;
  /** Reads the reply. */
  readonly decode: Decoder<T>;
  /** True for a command the server may hold for a while (BLPOP, XREAD BLOCK, WAIT, ...). */
  readonly blocking: boolean;
}

/**
 * Commands that make the server wait (for data, or for replicas) before it replies. A
 * cancelled one is not drained: its connection is reopened, so the next command does not
 * wait out the server's timeout and the server pops nothing for a caller who left.
 */
const BLOCKING = new Set(['BLPOP', 'BRPOP', 'BRPOPLPUSH', 'BLMOVE', 'BLMPOP', 'BZPOPMIN', 'BZPOPMAX', 'BZMPOP', 'WAIT', 'WAITAOF']);

/** True if the command can block: a name in {@link BLOCKING}, or XREAD/XREADGROUP with BLOCK before STREAMS. */
function isBlocking(name: string, args: readonly RedisArg[]): boolean {
  if (BLOCKING.has(name)) return true;
  if (name !== 'XREAD' && name !== 'XREADGROUP') return false;
  for (let i = 1; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg !== 'string') continue;
    const word = arg.toUpperCase();
    if (word === 'STREAMS') return false;
    if (word === 'BLOCK') return true;
  }
  return false;
}

/** Encodes `args` (the command name first) into a {@link Command}. */
export function makeCommand<T>(method: string, args: RedisArg[], decode: Decoder<T>): Command<T> {
  const payload = encodeCommand(method, args);
  const first = args[0];
  const name = typeof first === 'string' ? first.toUpperCase() : String(first);
  return { method, name, payload, decode, blocking: isBlocking(name, args) };
}

/** Joins the payloads of several commands into one write. */
export function joinPayloads(payloads: Array<string | Buffer>): string | Buffer {
  if (payloads.every((p) => typeof p === 'string')) return (payloads as string[]).join('');
  return Buffer.concat(payloads.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
}
