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
}

/** Encodes `args` (the command name first) into a {@link Command}. */
export function makeCommand<T>(method: string, args: RedisArg[], decode: Decoder<T>): Command<T> {
  const payload = encodeCommand(method, args);
  const first = args[0];
  const name = typeof first === 'string' ? first.toUpperCase() : String(first);
  return { method, name, payload, decode };
}

/** Joins the payloads of several commands into one write. */
export function joinPayloads(payloads: Array<string | Buffer>): string | Buffer {
  if (payloads.every((p) => typeof p === 'string')) return (payloads as string[]).join('');
  return Buffer.concat(payloads.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
}
