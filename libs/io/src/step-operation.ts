/**
 * Hand-written operations: `recv` and `sendall` (and `read`, `write`) as small state
 * machines instead of `function*`s, for the calls a server makes once per message.
 *
 * A task waits on either kind the same way, `yield* sock.recv(1000)`: `yield*` only needs
 * `next`, `throw` and `return`. What differs is the cost. Each call of a `function*`
 * allocates a generator object and its register file, and every resume copies the frame
 * in and out again; a hand-written operation is one small object whose `next` V8 can
 * inline into the caller's loop.
 *
 * Semantics are a generator's: nothing runs before the first `next()`; a thrown
 * exception ends the operation; `throw()` while it waits (a cancellation or a timeout
 * delivered through the task's `yield*`) releases what it held and rethrows; once done,
 * `next()` reports done. Each operation class writes its own `next` (one call target per
 * class keeps it inlinable); the rest of the protocol is shared here.
 * @packageDocumentation
 */
import type { Trap } from '@curio/kernel';

/** What a step returns to wait (again); the operation then holds its resource until released. */
export const WAIT: unique symbol = Symbol('WAIT');

/** Phases of a hand-written operation. */
export const START = 0;
export const WAITING = 1;
export const DONE = 2;

/** A hand-written operation, as the shared helpers see it. */
export interface HandWritten {
  phase: number;
  /** Lets go of what a waiting operation holds. */
  release(): void;
}

/** `throw(error)`: a waiting operation lets go, then the error goes on up the `yield*`. */
export function throwInto(op: HandWritten, error: unknown): never {
  if (op.phase === WAITING) op.release();
  op.phase = DONE;
  throw error;
}

/** `return(value)`: a waiting operation lets go and is done. */
export function returnFrom<T>(op: HandWritten, value: T): IteratorResult<Trap, T> {
  if (op.phase === WAITING) op.release();
  op.phase = DONE;
  return { value, done: true };
}
