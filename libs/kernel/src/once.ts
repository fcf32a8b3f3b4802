/**
 * A one-shot blocking operation that is not a generator.
 *
 * A suspended generator object costs ~150 bytes. The waits an idle task sits in for a
 * long time (`Event.wait`) use this ~50-byte object instead, so a server holding many
 * idle tasks stays small. It behaves exactly like `function* () { if (!ready) yield trap; }`.
 * @internal
 */
import type { Trap } from './traps.js';
import type { Operation } from './operation.js';
import { _requireTask, traceTrap } from './current.js';

/** @internal Asked when the wait starts: true means there is nothing to wait for. */
export interface WaitCheck {
  _waitOver(): boolean;
}

const NEW = 0;
const PARKED = 1;
const DONE = 2;

/** @internal */
export class WaitOnce implements Operation<void> {
  private step = NEW;

  constructor(
    private readonly operation: string,
    private readonly trap: Trap,
    private readonly check: WaitCheck,
  ) {}

  next(): IteratorResult<Trap, void> {
    if (this.step === NEW) {
      this.step = PARKED;
      _requireTask(this.operation);
      if (!this.check._waitOver()) return { value: traceTrap(this.trap), done: false };
    }
    this.step = DONE;
    return { value: undefined, done: true };
  }

  return(value: void): IteratorResult<Trap, void> {
    this.step = DONE;
    return { value, done: true };
  }

  throw(error: unknown): IteratorResult<Trap, void> {
    // Like a generator: an exception thrown in at the trap propagates out.
    this.step = DONE;
    throw error;
  }

  [Symbol.iterator](): this {
    return this;
  }

  /** Generators are disposable (`using`): disposing closes them. */
  [Symbol.dispose](): void {
    this.step = DONE;
  }
}
