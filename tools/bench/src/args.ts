/**
 * Command-line options of the benchmark scripts: `--key=value` pairs, split by
 * `node:util` `parseArgs` and checked here once, so every script rejects a bad value with
 * the same clear message.
 * @packageDocumentation
 */
import { parseArgs } from 'node:util';

/**
 * The options of `argv` in order, as `['--rounds', '5']` for `--rounds=5`; the value is `''`
 * for a bare flag (`--json`). A value keeps every `=` after the first (`--svg=a=b.svg`).
 * Each script rejects the keys it does not know.
 * @throws Error for an argument that is not an option (`5` in `--rounds 5`).
 */
export function optionPairs(argv: readonly string[]): [key: string, value: string][] {
  const { tokens } = parseArgs({ args: [...argv], strict: false, allowPositionals: true, tokens: true });
  return tokens.map((token): [string, string] => {
    if (token.kind === 'option') return [token.rawName, token.value ?? ''];
    const arg = token.kind === 'positional' ? token.value : '--';
    throw new Error(`unexpected argument '${arg}' (options are written --key=value)`);
  });
}

/**
 * The whole number `value` given for option `key`, at least `min`.
 * @throws RangeError naming the option, the bound and the value as given (also for `''`:
 * `--runs=` is no number, not 0).
 */
export function wholeNumber(key: string, value: string, min: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`${key} needs a whole number >= ${min}, got '${value}'`);
  return n;
}

/**
 * The comma-separated names `value` gives for option `key`, each one of `known`.
 * @throws Error naming the option, the unknown name and the known ones.
 */
export function listOf<T extends string>(key: string, value: string, known: readonly T[]): T[] {
  return value.split(',').map((v) => {
    if (!(known as readonly string[]).includes(v)) throw new Error(`${key}: unknown '${v}' (known: ${known.join(', ')})`);
    return v as T;
  });
}
