/**
 * The functions the workers benchmark runs in worker threads (imported there by URL).
 * @packageDocumentation
 */
import { workerFunction } from '@curio/workers';

/** The smallest job: one addition (what is measured is the round trip to the thread). */
export const add = workerFunction(import.meta.url, function add(a: number, b: number): number {
  return a + b;
});

/** CPU work: the slow recursive Fibonacci. */
export const fib = workerFunction(import.meta.url, function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
});
