// Byte classes of RFC 9110 / RFC 9112 as 256-entry tables: one indexed load per byte in the
// parser's and serializer's loops.

function table(accepts: (byte: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let b = 0; b < 256; b++) t[b] = accepts(b) ? 1 : 0;
  return t;
}

const TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";

/** tchar (RFC 9110 §5.6.2): the bytes of a token such as a method or a field name. */
export const TOKEN = table((b) =>
  (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || TCHAR_SYMBOLS.includes(String.fromCharCode(b)));

/** field-vchar, SP and HTAB (RFC 9110 §5.5): what a field value may hold (obs-text included). */
export const FIELD_VALUE = table((b) => b === 0x09 || (b >= 0x20 && b !== 0x7f));

/** The bytes of a request-target: visible ASCII (RFC 9112 §3.2, RFC 3986). */
export const TARGET = table((b) => b > 0x20 && b < 0x7f);

/** HEXDIG as its value, or -1. */
export const HEX_VALUE = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let d = 0; d < 10; d++) t[0x30 + d] = d;
  for (let d = 0; d < 6; d++) { t[0x41 + d] = 10 + d; t[0x61 + d] = 10 + d; }
  return t;
})();

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const COLON = 0x3a;

/** Names a byte for an error message: `"\r"` as `CR`, a control or non-ASCII byte in hex. */
export function describeByte(byte: number): string {
  if (byte === CR) return 'a bare CR';
  if (byte === LF) return 'a bare LF';
  if (byte === 0) return 'a NUL byte';
  if (byte < 0x20 || byte >= 0x7f) return `the byte 0x${byte.toString(16).padStart(2, '0')}`;
  return `'${String.fromCharCode(byte)}'`;
}

/** True if every character of `s` is in `allowed` (and `s` is not empty when `nonEmpty`). */
export function allIn(allowed: Uint8Array, s: string, nonEmpty: boolean): boolean {
  // Not a string (a caller's object whose toString could hold a CR LF): never allowed.
  if (typeof s !== 'string') return false;
  if (nonEmpty && s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || allowed[c] === 0) return false;
  }
  return true;
}
