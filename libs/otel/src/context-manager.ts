/**
 * The OpenTelemetry context manager Curio's tracing needs: AsyncLocalStorage, like
 * `@opentelemetry/context-async-hooks`, plus a way for the tracing activation to enter a
 * task's context for one step without a callback (`enterWith`): tens of nanoseconds a
 * step, where wrapping every step in `context.with(...)` would cost a callback, a bind
 * and a store swap each time.
 * @packageDocumentation
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, context as contextApi, type Context, type ContextManager } from '@opentelemetry/api';

/** The managers enabled so far, for {@link registeredTaskContextManager} to find the global one among. */
const enabledManagers = new Set<TaskContextManager>();

/**
 * An OpenTelemetry `ContextManager` on `AsyncLocalStorage` that Curio's `tracing()`
 * can switch per task step cheaply. Register it as the global context manager in place of
 * `AsyncLocalStorageContextManager` (`tracing()` registers one itself when none is); it
 * behaves the same for code outside tasks: `with` runs a callback in a context, which
 * follows promises, timers and callbacks made inside it. `bind` binds functions; other
 * targets (event emitters) are returned unchanged.
 *
 * @example
 * ```ts
 * import { context as otelContext } from '@opentelemetry/api';
 * import { TaskContextManager } from '@curio/otel';
 * otelContext.setGlobalContextManager(new TaskContextManager().enable());
 * ```
 */
export class TaskContextManager implements ContextManager {
  /** @internal The store, entered by the tracing activation for each step of a traced task. */
  readonly _storage = new AsyncLocalStorage<Context>();

  /** The current context: the one entered innermost, or the root context. */
  active(): Context {
    return this._storage.getStore() ?? ROOT_CONTEXT;
  }

  /** Runs `fn` with `context` active; async work it starts stays in it. */
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const bound = thisArg === undefined || thisArg === null ? fn : (fn.bind(thisArg) as F);
    return this._storage.run(context, bound, ...args);
  }

  /** A function that runs `target` in `context`; anything but a function is returned as it is. */
  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the bound function needs both its own `this` and the manager
    const manager = this;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    return function (this: unknown, ...args: unknown[]) {
      return manager.with(context, () => fn.apply(this, args));
    } as unknown as T;
  }

  /** Makes this manager usable (and findable by `tracing()`); returns it. */
  enable(): this {
    enabledManagers.add(this);
    return this;
  }

  /** Leaves every context entered; returns the manager. */
  disable(): this {
    enabledManagers.delete(this);
    this._storage.disable();
    return this;
  }
}

/** A context that exists only to see which manager serves `context.active()`. */
const PROBE = ROOT_CONTEXT.setValue(Symbol('curio otel probe'), true);

/**
 * @internal The {@link TaskContextManager} that is the global OpenTelemetry context
 * manager; registers a new one when there is no global manager at all; null when another
 * kind of manager is registered.
 */
export function registeredTaskContextManager(): TaskContextManager | null {
  for (const manager of enabledManagers) {
    if (manager.with(PROBE, () => contextApi.active() === PROBE)) return manager;
  }
  // The API's default (no-op) manager never makes a context active.
  if (contextApi.with(PROBE, () => contextApi.active() === PROBE)) return null;
  const manager = new TaskContextManager().enable();
  if (!contextApi.setGlobalContextManager(manager)) return null;
  return manager;
}
