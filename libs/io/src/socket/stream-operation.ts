/**
 * {@link StreamOperation}: a read or a write of a {@link NodeReader} / {@link NodeWriter}
 * as a hand-written operation, the hot path of every server (`recv`, `sendall`).
 *
 * It keeps the semantics of the kernel's `HandWrittenOperation` (lazy start, `throw` and
 * `return` release a waiting operation's reader or writer, done stays done) but does not
 * extend it: a server's handler is often a large generator, into which V8 did not inline
 * the construction of a subclass (a generic construct stub and the base constructor, some
 * 370 more instructions per round trip of the echo server); a class of its own is built
 * inline. One class serves reads and writes, so its calls to its steps see two shapes.
 * @packageDocumentation
 */
import { traceTrap, type Operation, type OperationPhase, type Trap } from '@curio/kernel';

/**
 * What a step returns when the operation must wait (it then holds its resource until
 * released). An object, not a Symbol: compared with Buffers and undefined, V8 then
 * emits a pointer comparison instead of calling its generic StrictEqual (~57
 * instructions per echo round trip).
 */
export const WAIT: Readonly<{ wait: true }> = Object.freeze({ wait: true });

/** What a {@link StreamOperation} asks of the reader or writer it runs on. */
export interface OperationSteps<T> {
  /** The first step: the result, or WAIT. Throws to fail (holding nothing). */
  _start(op: StreamOperation<T>): T | typeof WAIT;
  /** A step after a wake-up: the result, or WAIT again. */
  _resume(op: StreamOperation<T>): T | typeof WAIT;
  /** The trap a waiting operation parks on. */
  _trap(): Trap;
  /** Lets go of the resource a waiting operation held. */
  _release(): void;
  /** A waiting operation is being interrupted by `error` (thrown in by the kernel): a last look at it, e.g. to tell how far a write got. */
  _interrupted?(op: StreamOperation<T>, error: unknown): void;
}

/** A read (`arg`: the byte count) or a write (`arg`: the data) as a hand-written operation. */
export class StreamOperation<T> implements Operation<T> {
  /** For a write: Node has been handed the data; what is left is waiting for it to drain. */
  written = false;
  private phase: OperationPhase = 'start';

  constructor(
    private readonly steps: OperationSteps<T>,
    /** The call's name in messages (`recv`, `sendall`, ...). */
    readonly operation: string,
    readonly arg: unknown,
  ) {}

  next(): IteratorResult<Trap, T> {
    const phase = this.phase;
    if (phase === 'done') return { value: undefined as T, done: true };
    const steps = this.steps;
    // A failure ends the operation, as an exception thrown out of a generator does.
    this.phase = 'done';
    let result: T | typeof WAIT;
    if (phase === 'start') {
      result = steps._start(this);
    } else {
      try {
        result = steps._resume(this);
      } catch (error) {
        steps._release();
        throw error;
      }
      if (result !== WAIT) steps._release();
    }
    if (result === WAIT) {
      this.phase = 'waiting';
      return { value: traceTrap(steps._trap()), done: false };
    }
    return { value: result as T, done: true };
  }

  throw(error: unknown): IteratorResult<Trap, T> {
    if (this.phase === 'waiting') this.steps._interrupted?.(this, error);
    this.end();
    throw error;
  }

  return(value: T): IteratorResult<Trap, T> {
    this.end();
    return { value, done: true };
  }

  [Symbol.iterator](): this {
    return this;
  }

  [Symbol.dispose](): void {
    this.end();
  }

  private end(): void {
    if (this.phase === 'waiting') this.steps._release();
    this.phase = 'done';
  }
}
