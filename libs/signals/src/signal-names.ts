/**
 * Checking signal names. Node silently accepts `process.on('SIGFOO', ...)` as an ordinary
 * event that never fires, so a typo would be a watcher that waits forever: every name is
 * checked against the signals this platform knows (`os.constants.signals`).
 * @packageDocumentation
 */
import { describeValue } from '@curio/kernel';
/** The platform's signals by name (`SIGINT: 2`, ...); node:os is read when a name is checked, not when curio is imported. */
let signalTable: Readonly<Record<string, number>> | undefined;
function known(): Readonly<Record<string, number>> {
  return (signalTable ??= process.getBuiltinModule('node:os').constants.signals as Readonly<Record<string, number>>);
}

/** The OS never lets a program catch these. */
const UNCATCHABLE = new Set(['SIGKILL', 'SIGSTOP']);

/** The name of signal `signo` on this platform, if there is one. */
function nameOf(signo: number): string | undefined {
  const signals = known();
  return Object.keys(signals).find((name) => signals[name] === signo);
}

/** A hint for a value that is close to a signal name (`'usr1'`, `'SIGusr1'`, a number). */
function hintFor(value: unknown): string {
  if (typeof value === 'number') {
    const name = nameOf(value);
    return name === undefined ? '' : ` (signal ${value} is '${name}' here: pass the name)`;
  }
  if (typeof value !== 'string') return '';
  const upper = value.toUpperCase();
  const guess = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  return guess in known() && guess !== value ? ` (did you mean '${guess}'?)` : '';
}

/** The names a message suggests, and where the rest are. */
const EXAMPLES = "'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR1' or 'SIGUSR2' (the names are the keys of os.constants.signals)";

/**
 * Checks the signals given to `who` (`'SignalQueue'`, ...) and returns them without
 * duplicates, in the order given.
 * @throws TypeError naming the bad value and where the valid names are, for an unknown
 *   name, a non-string, an uncatchable signal or an empty list.
 */
export function checkSignals(who: string, signals: readonly unknown[]): NodeJS.Signals[] {
  if (signals.length === 0) throw new TypeError(`${who}(): give at least one signal name, e.g. new ${who}('SIGUSR1')`);
  const checked: NodeJS.Signals[] = [];
  for (const signal of signals) {
    // A string is a name, quoted like the suggestions; anything else is a value of the wrong kind.
    if (typeof signal !== 'string') {
      throw new TypeError(`${who}(): a signal is named by a string such as ${EXAMPLES}, got ${describeValue(signal)}${hintFor(signal)}`);
    }
    if (!Object.prototype.hasOwnProperty.call(known(), signal)) {
      throw new TypeError(`${who}(): unknown signal '${signal}'${hintFor(signal)}; expected a signal name such as ${EXAMPLES}`);
    }
    if (UNCATCHABLE.has(signal)) throw new TypeError(`${who}(): '${signal}' cannot be watched: the OS never delivers it to the program (it cannot be caught)`);
    if (!checked.includes(signal as NodeJS.Signals)) checked.push(signal as NodeJS.Signals);
  }
  return checked;
}

/** The number of a known signal (`SIGINT` is 2), for exit statuses. */
export function signalNumber(signal: NodeJS.Signals): number {
  return known()[signal];
}
