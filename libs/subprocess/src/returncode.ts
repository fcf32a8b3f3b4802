/**
 * Exit statuses in Python's form: the exit code, or `-N` for a child killed by signal N.
 * @packageDocumentation
 */
import { describeValue } from '@curio/kernel';
/** The platform's signals by name (`SIGKILL: 9`, ...), from node:os when first needed, not when curio is imported. */
let signalTable: Readonly<Record<string, number>> | undefined;
function signalNumbers(): Readonly<Record<string, number>> {
  return (signalTable ??= process.getBuiltinModule('node:os').constants.signals as Readonly<Record<string, number>>);
}

/** Python's `returncode` from Node's `'exit'` event arguments. */
export function returncodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const n = signal === null ? undefined : signalNumbers()[signal];
  return n === undefined ? -1 : -n;
}

/** The name of signal `n` (`'SIGKILL'` for 9), or `'signal n'`. */
export function signalName(n: number): string {
  for (const [name, value] of Object.entries(signalNumbers())) if (value === n) return name;
  return `signal ${n}`;
}

/** `'returned non-zero exit status 2.'` or `'died with SIGKILL.'`, as Python says it. */
export function describeReturncode(returncode: number): string {
  return returncode < 0 ? `died with ${signalName(-returncode)}.` : `returned non-zero exit status ${returncode}.`;
}

/**
 * A signal given as a name or number, checked: the number to send. Unknown names are
 * a clear error.
 */
export function signalNumber(sig: NodeJS.Signals | number, operation: string): number {
  if (typeof sig === 'number') {
    if (Number.isInteger(sig) && sig >= 0 && sig < 65) return sig;
    throw new RangeError(`${operation}(): ${sig} is not a signal number (expected 0 to 64, or a name such as 'SIGTERM')`);
  }
  const n = typeof sig === 'string' ? signalNumbers()[sig] : undefined;
  if (n === undefined) throw new TypeError(`${operation}(): ${typeof sig === 'string' ? `unknown signal '${sig}'` : `a signal is a name or a number, got ${describeValue(sig)}`}: expected a name such as 'SIGTERM', 'SIGINT', 'SIGKILL' or a number`);
  return n;
}
