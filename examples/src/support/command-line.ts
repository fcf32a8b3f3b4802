/**
 * What the examples share to read their command lines: each program parses its own with
 * `node:util` `parseArgs` (strict, so an unknown flag is an error) inside
 * {@link commandLine}, which turns any error into the message and the program's usage
 * line on stderr and exit status 2; and readers for the arguments they take.
 * @packageDocumentation
 */

/**
 * Returns `read()`, the program's parsed command line; if it throws (an unknown flag, a
 * bad number, an argument too many), prints the error and `usage: <usage>` on stderr and
 * exits with status 2.
 */
export function commandLine<R>(usage: string, read: () => R): R {
  try {
    return read();
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\nusage: ${usage}`);
    process.exit(2);
  }
}

/** `positionals`, or an error naming the first one past the `max` the program takes. */
export function atMost(positionals: readonly string[], max: number): readonly string[] {
  if (positionals.length > max) throw new RangeError(`unexpected argument '${positionals[max]}'`);
  return positionals;
}

/** `text` as a number; an empty text is NaN, not the 0 that `Number('')` makes of it. */
function numberOf(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/**
 * `text` as a whole number >= `min`, `fallback` if it is not given. `what` names the
 * argument in the error (`'--workers'`, `'COUNT'`).
 */
export function wholeNumber(what: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const n = numberOf(text);
  if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`${what} expects a whole number >= ${min}, got '${text}'`);
  return n;
}

/** `text` as a TCP/UDP port (0-65535; 0: the system picks one), `fallback` if it is not given. */
export function portNumber(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const port = numberOf(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`PORT expects a port number (0-65535), got '${text}'`);
  return port;
}
