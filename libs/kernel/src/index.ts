/**
 * `@curio/kernel`: Curio's task queuing kernel. Tasks are generators; every blocking
 * call is an {@link Operation} waited on with `yield*`, ending in a trap the kernel
 * schedules on.
 * @packageDocumentation
 */
export * from './errors.js';
export { describeValue } from './describe-value.js';
export { Trap, type Waker, type ParkRegistration } from './traps.js';
export type { Operation, TaskBody, OperationOrBlock } from './operation.js';
export { Task, type TaskState, type CancelOptions } from './task.js';
export { markLibraryCode, type StackFrame } from './stack.js';
export { Kernel, run, type KernelOptions, type SpawnOptions } from './kernel.js';
export type { Activation } from './activation.js';
export { reportCrashToStderr, type CrashReporter } from './crash.js';
export { RealClock, VirtualClock, type Clock, type VirtualClockOptions } from './clock.js';
export { spawn, currentTask, sleep, wakeAt, clock, schedule, type SpawnFunction } from './ops.js';
export { timeoutAfter, timeoutAt, ignoreAfter, ignoreAt, type IgnoreOptions } from './timeout.js';
export { disableCancellation, checkCancellation, setCancellation } from './cancellation.js';
export { WaitQueue, SchedFIFO, SchedBarrier } from './waitqueue.js';
export { park } from './park.js';
export { traceTrap, requireTask } from './current.js';
export { HandWrittenOperation, type OperationPhase } from './hand-written.js';
export { awaitPromise, call } from './promise.js';
export { TaskLocal } from './local.js';
export { TaskSlot } from './slot.js';
export { Event, Lock, RLock, Semaphore, BoundedSemaphore, Condition, Result, type Lockable } from './sync/index.js';
export { Queue, PriorityQueue, LifoQueue, type PriorityQueueOptions } from './queue.js';
export { TaskGroup, withTaskGroup, type TaskGroupOptions, type WaitPolicy, type GroupSpawnFunction, type TaskGroupBlock } from './taskgroup.js';
