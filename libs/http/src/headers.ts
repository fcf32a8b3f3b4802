/**
 * Header fields on both sides: {@link HttpHeaders}, the fields of a received message (a
 * request on the server, a response on the client), and {@link OutgoingHeaders}, what a
 * message to send may be given.
 * @packageDocumentation
 */
import { describeValue } from '@curio/kernel';
import type { HeaderField } from './parser.js';
import type { OutgoingHeader } from './serializer.js';

const NO_FIELDS: readonly HeaderField[] = [];

/**
 * The header (or trailer) fields of a received message, read-only, in the order received.
 * Names are case-insensitive: lookups lower-case theirs, and {@link HttpHeaders.raw} holds
 * the names lower-cased as the parser gives them.
 *
 * @example
 * ```ts
 * import { HttpHeaders } from '@curio/http';
 * const headers = new HttpHeaders([['accept', 'text/html'], ['accept', 'text/plain'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2']]);
 * headers.get('Accept');        // 'text/html, text/plain'
 * headers.getAll('set-cookie'); // ['a=1', 'b=2']
 * headers.has('x-missing');     // false
 * ```
 */
export class HttpHeaders implements Iterable<HeaderField> {
  /** No fields at all: the trailers of a message without any. */
  static readonly EMPTY = new HttpHeaders(NO_FIELDS);

  /** The fields as received: `[lower-cased name, value]`, repeated names repeated. */
  readonly raw: readonly HeaderField[];

  constructor(fields: readonly HeaderField[]) {
    this.raw = fields;
  }

  /** How many fields there are (a repeated name counts each time). */
  get size(): number {
    return this.raw.length;
  }

  /**
   * The value of `name`, or `undefined` if absent. A name sent more than once gives its
   * values joined with `', '` (RFC 9110 §5.3); use {@link HttpHeaders.getAll} for
   * `Set-Cookie`, whose values may not be joined.
   */
  get(name: string): string | undefined {
    const key = lower(name);
    const fields = this.raw;
    let value: string | undefined;
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      if (field[0] === key) value = value === undefined ? field[1] : `${value}, ${field[1]}`;
    }
    return value;
  }

  /** Every value of `name`, in the order received (empty if absent). */
  getAll(name: string): string[] {
    const key = lower(name);
    const values: string[] = [];
    for (const [n, v] of this.raw) if (n === key) values.push(v);
    return values;
  }

  /** Whether `name` was received. */
  has(name: string): boolean {
    const key = lower(name);
    for (const field of this.raw) if (field[0] === key) return true;
    return false;
  }

  /** The fields as `[name, value]` pairs, in the order received. */
  [Symbol.iterator](): Iterator<HeaderField> {
    return this.raw[Symbol.iterator]();
  }
}

/** Lower-cases only when needed: the names looked up are nearly always lower case already. */
function lower(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return name.toLowerCase();
  }
  return name;
}

/**
 * Header fields to send: an object (`{ 'content-type': 'text/plain', 'set-cookie': ['a=1',
 * 'b=2'] }`, a list value sending the field once per element, a number sent in decimal) or
 * a list of `[name, value]` pairs sent in order.
 *
 * @example
 * ```ts
 * import type { OutgoingHeaders } from '@curio/http';
 * const asObject: OutgoingHeaders = { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-count': 3 };
 * const asList: OutgoingHeaders = [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']];
 * ```
 */
export type OutgoingHeaders = Readonly<Record<string, string | number | readonly string[]>> | readonly OutgoingHeader[];

const NO_HEADERS: OutgoingHeader[] = [];

/**
 * @internal {@link OutgoingHeaders} as the `[name, value]` list the serializer takes. The
 * serializer checks each name and value; this only flattens and names what is not a header.
 */
export function headerList(headers: OutgoingHeaders | undefined, where: string): readonly OutgoingHeader[] {
  if (headers === undefined) return NO_HEADERS;
  if (Array.isArray(headers)) {
    for (const field of headers as readonly unknown[]) {
      if (!Array.isArray(field) || field.length !== 2 || typeof field[0] !== 'string' || typeof field[1] !== 'string') {
        throw new TypeError(`${where}: each header must be a [name, value] pair of strings, got ${describeValue(field)}`);
      }
    }
    return headers as readonly OutgoingHeader[];
  }
  if (typeof headers !== 'object' || headers === null) throw new TypeError(`${where}: headers must be an object or a list of [name, value] pairs, got ${describeValue(headers)}`);
  const list: OutgoingHeader[] = [];
  for (const name in headers) {
    const value = (headers as Record<string, unknown>)[name];
    if (typeof value === 'string') list.push([name, value]);
    else if (typeof value === 'number' && Number.isFinite(value)) list.push([name, String(value)]);
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) for (const v of value as string[]) list.push([name, v]);
    else throw new TypeError(`${where}: the value of header '${name}' must be a string, a finite number or a list of strings, got ${describeValue(value)}`);
  }
  return list;
}
