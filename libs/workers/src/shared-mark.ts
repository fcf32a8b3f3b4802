/**
 * Shared-memory objects (UniversalQueue, UniversalEvent) cross to worker threads as plain
 * structured clones: their own properties are a kind mark and the SharedArrayBuffer.
 * The worker's runner turns them back into objects with the revivers registered here
 * when @curio/workers loads in that thread. Not exported from the package index (it is
 * package-private), but not marked internal: the published universal-queue/event declarations
 * import it.
 */

/** The property holding the kind mark of a shared object. */
export const SHARED_MARK = '@curio/workers';

/** Functions that rebuild a shared object from its clone, by kind; one registry per thread. */
const REVIVERS = Symbol.for('curio.workers.revivers');

type Reviver = (clone: Record<string, unknown>) => unknown;

/** Registers how to rebuild shared objects of `kind` in this thread. */
export function registerReviver(kind: string, reviver: Reviver): void {
  const g = globalThis as unknown as Record<symbol, Record<string, Reviver> | undefined>;
  const revivers = (g[REVIVERS] ??= {});
  revivers[kind] = reviver;
}

/** The kind mark of `value` if it is a shared object (or its clone), else null. */
export function sharedKind(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const kind = (value as Record<string, unknown>)[SHARED_MARK];
  return typeof kind === 'string' ? kind : null;
}

/** True for a SharedArrayBuffer from any realm (a `vm` context has its own constructor). */
export function isSharedArrayBuffer(value: unknown): value is SharedArrayBuffer {
  return Object.prototype.toString.call(value) === '[object SharedArrayBuffer]';
}

/** Names the first shared-memory value inside `value` (a few levels deep), or null. */
export function findShared(value: unknown, depth = 0): string | null {
  if (typeof value !== 'object' || value === null || depth > 4) return null;
  const kind = sharedKind(value);
  if (kind !== null) return `a ${kind}`;
  if (isSharedArrayBuffer(value)) return 'a SharedArrayBuffer';
  if (ArrayBuffer.isView(value)) return isSharedArrayBuffer(value.buffer) ? 'a view of a SharedArrayBuffer' : null;
  const items = Array.isArray(value) ? value : Object.getPrototypeOf(value) === Object.prototype ? Object.values(value) : [];
  for (const item of items) {
    const found = findShared(item, depth + 1);
    if (found !== null) return found;
  }
  return null;
}
