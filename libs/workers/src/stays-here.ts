/**
 * Arguments that must not go to a worker although structured clone would copy them: a
 * Curio resource (a Socket, stream, file or channel: anything disposable) or a kernel
 * object (a Task, Event, Queue, ...). The worker would get a plain object with their
 * fields and none of their methods, while the connection, file, tasks or waiters they
 * stand for stay in this thread. Found at the call, they are a TypeError naming them.
 * @packageDocumentation
 */
import { BoundedSemaphore, Condition, Event, Kernel, Lock, Queue, Result, RLock, Semaphore, Task, TaskGroup } from '@curio/kernel';
import { sharedKind } from './shared-mark.js';

/** Kernel classes whose objects belong to one kernel (subclasses included: PriorityQueue, ...). */
const KERNEL_CLASSES: readonly (abstract new (...args: never[]) => object)[] = [Kernel, Task, TaskGroup, Event, Lock, RLock, Semaphore, BoundedSemaphore, Condition, Result, Queue];

/** What a thread can be given instead of a kernel object that has a shared counterpart. */
const SHARED_INSTEAD = new Map<abstract new (...args: never[]) => object, string>([
  [Event, 'a UniversalEvent'],
  [Queue, 'a UniversalQueue'],
]);

/** An argument (or a value inside one) that stays in this thread. */
export interface StayingValue {
  /** Where it is in the argument: `''` for the argument itself, else `.key` / `[i]` steps. */
  path: string;
  /** Its class name. */
  className: string;
  /** What to pass instead, if there is a shared counterpart. */
  instead: string | null;
}

function isResource(value: object): boolean {
  const v = value as { [Symbol.dispose]?: unknown; [Symbol.asyncDispose]?: unknown };
  return typeof v[Symbol.dispose] === 'function' || typeof v[Symbol.asyncDispose] === 'function';
}

/**
 * The first value inside `value` (a few levels of arrays and plain objects deep) that
 * stays in this thread, or null. Shared objects (UniversalQueue, UniversalEvent) and what
 * moves in the transfer list (a FileHandle, a MessagePort) do cross.
 */
export function findStaying(value: unknown, moved: ReadonlySet<unknown>, path = '', depth = 0): StayingValue | null {
  if (typeof value !== 'object' || value === null || depth > 4 || moved.has(value) || sharedKind(value) !== null) return null;
  const kernelClass = KERNEL_CLASSES.find((c) => value instanceof c);
  if (kernelClass !== undefined || isResource(value)) {
    const instead = [...SHARED_INSTEAD].find(([c]) => value instanceof c)?.[1] ?? null;
    return { path, className: value.constructor?.name || 'object', instead };
  }
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item, i) => [`[${i}]`, item])
    : Object.getPrototypeOf(value) === Object.prototype ? Object.entries(value).map(([key, item]) => [`.${key}`, item]) : [];
  for (const [step, item] of entries) {
    const found = findStaying(item, moved, path + step, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** `a Socket`, `an Event`. */
export function withArticle(name: string): string {
  return `${/^[AEIOU]/i.test(name) ? 'an' : 'a'} ${name}`;
}
