/**
 * The CPU-bound work of the Fibonacci server, in a module of its own: worker threads
 * import this module and call the export (functions cross to workers by reference).
 * @packageDocumentation
 */
import { workerFunction } from 'curio';

/** The n-th Fibonacci number, the slow recursive way: CPU work that would stall the event loop. */
export const fib = workerFunction(import.meta.url, function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
});
