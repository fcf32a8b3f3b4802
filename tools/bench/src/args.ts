/**
 * Command-line options of the benchmark scripts: `--key=value` pairs, checked here once
 * so every script rejects a bad value with the same clear message.
 * @packageDocumentation
 */

/** `['--rounds', '5']` for `--rounds=5`; the value is `''` for a bare flag (`--json`). */
export function splitOption(arg: string): [key: string, value: string] {
  const [key, value = ''] = arg.split('=', 2);
  return [key, value];
}

/**
 * The whole number `value` given for option `key`, at least `min`.
 * @throws RangeError naming the option, the bound and the value as given.
 */
export function wholeNumber(key: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new RangeError(`${key} needs a whole number >= ${min}, got '${value}'`);
  return n;
}
