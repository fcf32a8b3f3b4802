/**
 * Text encodings for files opened in text mode. A text file keeps its read buffer as
 * bytes and decodes only whole characters, so a multi-byte character split across two
 * reads is never mangled and positions stay exact byte offsets.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import { describeValue } from '@curio/kernel';

/**
 * The text encodings {@link aopen} supports, by their canonical names.
 * @example
 * ```ts
 * const encoding: TextEncoding = 'utf-16le';
 * using f = yield* aopen('notes.txt', 'r', { encoding });
 * ```
 */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'latin1';

/** How a text encoding maps between strings and bytes, and where its characters end. */
export interface TextCodec {
  /** Canonical name of the encoding. */
  readonly encoding: TextEncoding;
  /** Bytes in one code unit of the encoding: a newline is this many bytes. */
  readonly unit: 1 | 2;
  /** Encodes a string. */
  encode(text: string): Buffer;
  /** Decodes bytes; an incomplete or invalid sequence becomes U+FFFD. */
  decode(bytes: Buffer): string;
  /**
   * Counts whole characters (code points) at the start of `bytes`, at most `max`:
   * returns how many and their length in bytes. An incomplete character at the end is
   * left out (more bytes may complete it); an invalid byte counts as one character.
   */
  measure(bytes: Buffer, max: number): { bytes: number; chars: number };
}

const ALIASES: Record<string, TextEncoding> = {
  utf8: 'utf-8',
  utf16le: 'utf-16le',
  ucs2: 'utf-16le',
  latin1: 'latin1',
  binary: 'latin1',
  iso88591: 'latin1',
};

/** Byte length of a UTF-8 sequence from its lead byte; 1 for a byte that cannot lead one. */
function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead < 0xe0) return 2;
  if (lead >= 0xe0 && lead < 0xf0) return 3;
  if (lead >= 0xf0 && lead < 0xf5) return 4;
  return 1;
}

function measureUtf8(bytes: Buffer, max: number): { bytes: number; chars: number } {
  let i = 0;
  let chars = 0;
  while (chars < max && i < bytes.length) {
    let len = utf8Length(bytes[i]);
    if (len > 1) {
      let j = 1;
      while (j < len && i + j < bytes.length && (bytes[i + j] & 0xc0) === 0x80) j++;
      if (j < len) {
        if (i + j >= bytes.length) break; // cut short by the end of the buffer: wait for more
        len = 1; // broken sequence: the lead byte decodes on its own
      }
    }
    i += len;
    chars++;
  }
  return { bytes: i, chars };
}

function measureUtf16le(bytes: Buffer, max: number): { bytes: number; chars: number } {
  let i = 0;
  let chars = 0;
  while (chars < max && i + 1 < bytes.length) {
    const unit = bytes[i] | (bytes[i + 1] << 8);
    let len = 2;
    if (unit >= 0xd800 && unit < 0xdc00) {
      if (i + 3 >= bytes.length) break; // high surrogate at the end: its pair may follow
      const next = bytes[i + 2] | (bytes[i + 3] << 8);
      if (next >= 0xdc00 && next < 0xe000) len = 4;
    }
    i += len;
    chars++;
  }
  return { bytes: i, chars };
}

function measureSingleByte(bytes: Buffer, max: number): { bytes: number; chars: number } {
  const n = Math.min(bytes.length, max);
  return { bytes: n, chars: n };
}

const CODECS: Record<TextEncoding, TextCodec> = {
  'utf-8': {
    encoding: 'utf-8',
    unit: 1,
    encode: (text) => Buffer.from(text, 'utf8'),
    decode: (bytes) => bytes.toString('utf8'),
    measure: measureUtf8,
  },
  'utf-16le': {
    encoding: 'utf-16le',
    unit: 2,
    encode: (text) => Buffer.from(text, 'utf16le'),
    decode: (bytes) => bytes.toString('utf16le'),
    measure: measureUtf16le,
  },
  latin1: {
    encoding: 'latin1',
    unit: 1,
    encode: (text) => Buffer.from(text, 'latin1'),
    decode: (bytes) => bytes.toString('latin1'),
    measure: measureSingleByte,
  },
};

/**
 * The codec for an encoding name. Names are matched loosely (`'UTF8'`, `'utf_8'`,
 * `'utf-8'` are the same); aliases: `ucs2` for UTF-16LE, `binary` and `iso-8859-1` for latin1.
 * @throws RangeError naming the supported encodings for any other name.
 */
export function textCodec(encoding: string): TextCodec {
  if (typeof encoding !== 'string') throw new TypeError(`aopen(): encoding must be a string such as 'utf-8', got ${describeValue(encoding)}`);
  const key = encoding.toLowerCase().replace(/[-_\s]/g, '');
  const canonical = ALIASES[key];
  if (canonical === undefined) {
    throw new RangeError(`aopen(): unsupported encoding '${encoding}'; supported: 'utf-8', 'utf-16le' (alias 'ucs2'), 'latin1' (aliases 'binary', 'iso-8859-1')`);
  }
  return CODECS[canonical];
}
