/**
 * Waiting for a Node emitter to finish something it started (connect, listen, bind):
 * park the task until the success event, fail it on 'error' (or 'close'), and always
 * remove the listeners.
 * @packageDocumentation
 */
import type { EventEmitter } from 'node:events';
import { park, type Operation } from '@curio/kernel';

/** @internal What {@link waitForEvent} waits for. */
export interface EventWait {
  /** The event that ends the wait successfully (`'connect'`, `'listening'`). */
  success: string;
  /** The error the task gets for an `'error'` event. */
  onError: (error: Error) => unknown;
  /** If given, a `'close'` event fails the wait with what it returns. */
  onClose?: () => unknown;
  /** Starts the work, once the listeners are in place. */
  start: () => void;
  /** Undoes the work if the wait is cancelled (after the listeners are removed). */
  abandon?: () => void;
}

/** @internal Parks the task in `state` until `emitter` emits `wait.success`. */
export function waitForEvent(state: string, emitter: EventEmitter, wait: EventWait): Operation<void> {
  return park<void>(state, (waker) => {
    const done = (): void => {
      emitter.off(wait.success, onSuccess);
      emitter.off('error', onError);
      if (onClose !== null) emitter.off('close', onClose);
    };
    const onSuccess = (): void => {
      done();
      waker.wake();
    };
    const onError = (error: Error): void => {
      done();
      waker.fail(wait.onError(error));
    };
    const closed = wait.onClose;
    const onClose =
      closed === undefined
        ? null
        : (): void => {
            done();
            waker.fail(closed());
          };
    emitter.once(wait.success, onSuccess);
    emitter.once('error', onError);
    if (onClose !== null) emitter.once('close', onClose);
    wait.start();
    return () => {
      done();
      wait.abandon?.();
    };
  });
}
