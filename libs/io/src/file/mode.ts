/**
 * Parsing of Python-style file mode strings (`'r'`, `'w+'`, `'ab'`, `'x+b'`, ...) for
 * {@link aopen}.
 * @packageDocumentation
 */
import { constants as fsConstants } from 'node:fs';
import { describeValue } from '@curio/kernel';

/** What a parsed mode string allows, and the `node:fs` flags that open such a file. */
export interface FileMode {
  /** The mode string as given. */
  readonly text: string;
  /** The file can be read. */
  readonly readable: boolean;
  /** The file can be written. */
  readonly writable: boolean;
  /** Every write goes to the end of the file (`'a'`). */
  readonly append: boolean;
  /** Binary mode (`'b'`): data is `Buffer`; otherwise text mode: data is `string`. */
  readonly binary: boolean;
  /** The `open(2)` flags (`fs.constants`) that open such a file. */
  readonly flags: number;
}

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND, O_EXCL } = fsConstants;

const OPEN_FLAGS: Record<string, number> = {
  r: O_RDONLY,
  'r+': O_RDWR,
  w: O_WRONLY | O_CREAT | O_TRUNC,
  'w+': O_RDWR | O_CREAT | O_TRUNC,
  a: O_WRONLY | O_CREAT | O_APPEND,
  'a+': O_RDWR | O_CREAT | O_APPEND,
  x: O_WRONLY | O_CREAT | O_EXCL,
  'x+': O_RDWR | O_CREAT | O_EXCL,
};

const HOW_TO = "use exactly one of 'r', 'w', 'a', 'x', optionally followed by '+' and by 'b' (binary) or 't' (text)";

/**
 * Parses a mode string the way Python's `open()` does: exactly one of `r` (read),
 * `w` (truncate or create, write), `a` (append, create), `x` (create, fail if it exists),
 * plus optional `+` (read and write) and `b` (binary) or `t` (text, the default), in any
 * order, each at most once.
 * @throws TypeError if `mode` is not a string; RangeError naming the problem if it is not a valid mode.
 */
export function parseMode(mode: unknown): FileMode {
  if (typeof mode !== 'string') throw new TypeError(`aopen(): mode must be a string such as 'r' or 'wb', got ${describeValue(mode)}`);
  const seen = new Set<string>();
  for (const ch of mode) {
    if (!'rwax+bt'.includes(ch)) throw new RangeError(`aopen(): invalid mode '${mode}': unknown mode character '${ch}'; ${HOW_TO}`);
    if (seen.has(ch)) throw new RangeError(`aopen(): invalid mode '${mode}': '${ch}' appears twice; ${HOW_TO}`);
    seen.add(ch);
  }
  const kinds = ['r', 'w', 'a', 'x'].filter((k) => seen.has(k));
  if (kinds.length !== 1) {
    const why = kinds.length === 0 ? "it has none of 'r', 'w', 'a', 'x'" : `it combines ${kinds.map((k) => `'${k}'`).join(' and ')}`;
    throw new RangeError(`aopen(): invalid mode '${mode}': ${why}; ${HOW_TO}`);
  }
  if (seen.has('b') && seen.has('t')) throw new RangeError(`aopen(): invalid mode '${mode}': it cannot be both binary ('b') and text ('t')`);
  const kind = kinds[0];
  const plus = seen.has('+');
  return {
    text: mode,
    readable: kind === 'r' || plus,
    writable: kind !== 'r' || plus,
    append: kind === 'a',
    binary: seen.has('b'),
    flags: OPEN_FLAGS[plus ? `${kind}+` : kind],
  };
}
