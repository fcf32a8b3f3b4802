/**
 * A test helper every package's tests share, beside rejection-of.ts: the error an
 * operation raises, waited on with `yield*` inside a task, or a failed expectation if it
 * finished.
 */
import type { Operation } from '@curio/kernel';

export function* failureOf(op: Operation<unknown>): Operation<unknown> {
  try {
    yield* op;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}
