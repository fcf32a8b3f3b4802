/**
 * The monitor worker's source text. Node runs a worker from a file or from source; the
 * console functions are sent as source (`eval: true`) so the worker works the same from
 * the built package and from the TypeScript sources under test, with no file to locate.
 * @packageDocumentation
 */
import { ancestry, consoleHelp, consoleUsage, formatMs, formatTable, parseCommand, serveConsole } from './console.js';
import { listenConsole } from './listen.js';
import { originalFrames } from './frames.js';
import { serveSession } from './session.js';

/** @internal The worker's program: the console functions, then a call of serveConsole with workerData and its parts. */
export function workerSource(): string {
  const parts = [consoleUsage, consoleHelp, formatMs, formatTable, ancestry, parseCommand, serveConsole, serveSession, listenConsole, originalFrames].map((f) => f.toString());
  return `'use strict';\n${parts.join('\n')}\nserveConsole(require('node:worker_threads').workerData, { serveSession, listenConsole, originalFrames });\n`;
}
