/**
 * {@link toJsonText}: job data must survive a trip through JSON unchanged, so anything
 * JSON would drop or change (undefined, functions, NaN, Dates, Maps, class instances,
 * bigints, cycles) is refused when the job is added, with the path of the bad part,
 * rather than turning up altered in a worker on another machine.
 * @packageDocumentation
 */

/**
 * A value that JSON carries unchanged: what job data may be.
 *
 * @example
 * ```ts
 * import type { JsonValue } from '@curio/jobs';
 * const data: JsonValue = { to: 'ann@example.com', tries: [1, 2], urgent: true, note: null };
 * ```
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** @internal `value` as JSON text; a TypeError naming the first part of it JSON cannot carry unchanged. */
export function toJsonText(method: string, value: unknown): string {
  checkJson(method, value, 'data', new Set());
  return JSON.stringify(value);
}

function checkJson(method: string, value: unknown, path: string, seen: Set<object>): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return;
    throw refuse(method, path, `the number ${value}, which JSON turns into null`);
  }
  if (typeof value !== 'object') throw refuse(method, path, `a ${typeof value}, which JSON cannot carry`);
  if (seen.has(value)) throw refuse(method, path, 'a reference back to an enclosing object (a cycle)');
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw refuse(method, `${path}[${i}]`, 'a hole in a sparse array');
      checkJson(method, value[i], `${path}[${i}]`, seen);
    }
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw refuse(method, path, `a ${name}, not a plain object (JSON would not bring it back as one)`);
    }
    for (const [key, item] of Object.entries(value)) checkJson(method, item, `${path}.${key}`, seen);
  }
  seen.delete(value);
}

function refuse(method: string, path: string, what: string): TypeError {
  return new TypeError(`${method}(): job data must be JSON (null, booleans, finite numbers, strings, arrays, plain objects); ${path} is ${what}`);
}
