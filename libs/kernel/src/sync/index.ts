/**
 * Task synchronization primitives: events, locks, semaphores, condition variables and
 * one-shot results. Blocking methods are operations (`yield*` them); the others never
 * block and are plain methods.
 * @packageDocumentation
 */
export { Event } from './event.js';
export { Lock, RLock, type Lockable } from './lock.js';
export { Semaphore, BoundedSemaphore } from './semaphore.js';
export { Condition } from './condition.js';
export { Result } from './result.js';
