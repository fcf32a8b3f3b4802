/**
 * Transferables: `transfer(buffer)` marks an argument (or a worker function's result)
 * whose memory moves to the other side instead of being copied.
 * @packageDocumentation
 */
import { describeValue } from '@curio/kernel';

/**
 * The key that marks a {@link Transfer}; a registry symbol, so worker-side code sees the same one.
 *
 * @example
 * ```ts
 * transfer(new Uint8Array(16))[TRANSFER]; // true
 * ```
 */
export const TRANSFER: unique symbol = Symbol.for('curio.workers.transfer') as never;

/**
 * A value sent with its memory moved, not copied: made by {@link transfer}.
 *
 * @example
 * ```ts
 * const moved: Transfer<Uint8Array> = transfer(new Uint8Array(1024));
 * ```
 */
export interface Transfer<T> {
  readonly [TRANSFER]: true;
  /** The value sent. */
  readonly value: T;
  /** What moves: `ArrayBuffer`s and `MessagePort`s inside `value`. */
  readonly list: readonly Transferable[];
}

/**
 * What a worker function receives for an argument passed as `transfer(value)`: the value itself.
 *
 * @example
 * ```ts
 * type Got = Untransferred<Transfer<Uint8Array>>; // Uint8Array
 * ```
 */
export type Untransferred<T> = T extends Transfer<infer V> ? V : T;

/**
 * Anything that can be moved to a worker thread.
 *
 * @example
 * ```ts
 * const pixels = new Uint8Array(4 * 1024 * 1024), alpha = new Uint8Array(1024 * 1024);
 * const list: Transferable[] = [pixels.buffer, alpha.buffer];
 * yield* runInThread(compose, transfer({ pixels, alpha }, list));
 * ```
 */
export type Transferable = ArrayBuffer | import('node:worker_threads').MessagePort;

/**
 * Sends `value` to a worker thread (as an argument of `runInThread`, or back as a worker
 * function's result) by moving its memory instead of copying it: after the call the
 * sender's buffer is detached (length 0). `list` names what moves; by default it is the
 * buffer of `value` itself (an `ArrayBuffer`, or the buffer under a typed array or Buffer).
 * To a child process everything is copied, so there `transfer` only unwraps.
 *
 * @example
 * ```ts
 * const pixels = new Uint8Array(4 * 1024 * 1024);
 * const blurred = yield* runInThread(blur, transfer(pixels), 1920);
 * ```
 * @throws TypeError if no `list` is given and `value` is not an ArrayBuffer or a view of one.
 */
export function transfer<T>(value: T, list?: readonly Transferable[]): Transfer<T> {
  let moved = list;
  if (moved === undefined) {
    if (value instanceof ArrayBuffer) moved = [value];
    else if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) moved = [value.buffer];
    else throw new TypeError(`transfer(): ${describeValue(value)} has no buffer to move; pass an ArrayBuffer, a typed array or Buffer, or the list of what moves`);
  }
  if (!Array.isArray(moved)) throw new TypeError(`transfer(): list must be an array of ArrayBuffers or MessagePorts, got ${describeValue(moved)}`);
  return { [TRANSFER]: true, value, list: moved };
}

/** @internal True for a value made by {@link transfer}. */
export function isTransfer(value: unknown): value is Transfer<unknown> {
  return typeof value === 'object' && value !== null && (value as Partial<Transfer<unknown>>)[TRANSFER] === true;
}
