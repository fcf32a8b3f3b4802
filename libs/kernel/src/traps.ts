/**
 * Traps: what a task yields to the kernel. Every blocking call ends in a generator that
 * `yield`s one of these; the kernel parks the task accordingly and resumes it (with a
 * value or an exception) when the event arrives. This is Curio's "each yield is a
 * kernel trap".
 * @packageDocumentation
 */
import type { WaitQueue } from './waitqueue.js';

/** @internal */
export enum TrapKind {
  /** Park on a wait queue (SchedFIFO, SchedBarrier) until woken. */
  SchedWait,
  /** Sleep until a clock deadline (or, for a deadline in the past, just reschedule). */
  Sleep,
  /** Park until a callback registered by the operation resumes the task. */
  Park,
}

/**
 * Called by a {@link park} registration to resume the parked task.
 * @example
 * ```ts
 * const value = yield* park<string>('CALLBACK_WAIT', (waker) => {
 *   const timer = setTimeout(() => waker.wake('done'), 10);
 *   return () => clearTimeout(timer);
 * });
 * ```
 */
export interface Waker<T> {
  /** Resumes the task with `value`. Ignored once the wait is over (woken or cancelled). */
  wake(value: T): void;
  /** Resumes the task by throwing `error` into it. Ignored once the wait is over. */
  fail(error: unknown): void;
  /** True while the task is still parked on this wait. */
  readonly active: boolean;
}

/**
 * Registers a parked task with whatever will wake it. Returns a function that undoes the
 * registration; the kernel calls it if the wait is cancelled or times out.
 * @example
 * ```ts
 * const register: ParkRegistration<Buffer> = (waker) => {
 *   const onData = (chunk: Buffer) => waker.wake(chunk);
 *   readable.once('data', onData);
 *   return () => readable.off('data', onData);   // undone if the wait is cancelled
 * };
 * const chunk = yield* park('READ_WAIT', register);
 * ```
 */
export type ParkRegistration<T> = (waker: Waker<T>) => (() => void) | void;

/**
 * A kernel trap. `name` is readable (the state the task is in while parked on it, such
 * as `READ_WAIT` or `TIME_SLEEP`), for tracing and monitoring.
 * @example
 * ```ts
 * const waits: Activation = {
 *   suspended(task, trap: Trap) { console.log(`task ${task.id} waits in ${trap.name}`); },   // e.g. TIME_SLEEP
 * };
 * await run(program, { activations: [waits] });
 * ```
 */
export abstract class Trap {
  /** @internal */
  abstract readonly kind: TrapKind;
  /** The task state while parked on this trap. */
  abstract readonly name: string;
}

/** @internal */
export class SchedWaitTrap extends Trap {
  readonly kind = TrapKind.SchedWait;
  constructor(
    readonly queue: WaitQueue,
    readonly name: string,
  ) {
    super();
  }
}

/** @internal */
export class SleepTrap extends Trap {
  readonly kind = TrapKind.Sleep;
  readonly name = 'TIME_SLEEP';
  constructor(
    /** Absolute kernel clock deadline in ms. */
    readonly deadline: number,
    /** True for `sleep(0)`/`schedule()`: go to the back of the ready queue at once. */
    readonly reschedule: boolean,
  ) {
    super();
  }
}

/** @internal */
export class ParkTrap<T> extends Trap {
  readonly kind = TrapKind.Park;
  constructor(
    readonly name: string,
    readonly register: ParkRegistration<T>,
  ) {
    super();
  }
}

/** @internal A trap the kernel understands. */
export type AnyTrap = SchedWaitTrap | SleepTrap | ParkTrap<unknown>;
