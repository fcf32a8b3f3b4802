/**
 * Certificates and keys given as PEM text, PEM bytes or file paths.
 * @packageDocumentation
 */
import { describeValue } from '@curio/kernel';
import { Buffer } from 'node:buffer';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A certificate or key: PEM text, PEM bytes, or the path of a PEM file.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * ctx.loadCertChain('server.pem', 'server.key');          // file paths
 * const made = yield* createSelfSignedCertificate();
 * ctx.loadCertChain(made.cert, made.key);                  // PEM text
 * ctx.loadVerifyLocations(readFileSync('ca.pem'));        // PEM bytes
 * ```
 */
export type PemSource = string | Buffer | Uint8Array;

/** True for text that is PEM itself rather than the path of a file holding it. */
function isPemText(text: string): boolean {
  return text.includes('-----BEGIN ');
}

/**
 * The PEM text of `source`: itself, its bytes decoded, or the file it names. A directory
 * (for CA certificates) gives every `.pem`/`.crt` file in it, concatenated.
 * @throws TypeError naming the value and what was expected.
 */
export function readPem(source: unknown, what: string, where: string): string {
  if (source instanceof Uint8Array) {
    const text = Buffer.from(source).toString('latin1');
    if (!isPemText(text)) throw new TypeError(`${where}: ${what} bytes are not PEM (no '-----BEGIN' line); got ${source.length} bytes`);
    return text;
  }
  if (typeof source !== 'string' || source === '') {
    throw new TypeError(`${where}: ${what} must be PEM text, a Buffer of PEM or a file path, got ${describeValue(source)}`);
  }
  if (isPemText(source)) return source;
  let text: string;
  try {
    text = statSync(source).isDirectory() ? readDirectory(source) : readFileSync(source, 'latin1');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TypeError(`${where}: ${what} '${source}' is neither PEM text nor a readable file (${reason})`);
  }
  if (!isPemText(text)) throw new TypeError(`${where}: ${what} file '${source}' holds no PEM ('-----BEGIN' line)`);
  return text;
}

function readDirectory(dir: string): string {
  return readdirSync(dir)
    .filter((name) => /\.(pem|crt|cer)$/i.test(name))
    .sort()
    .map((name) => readFileSync(join(dir, name), 'latin1'))
    .join('\n');
}
