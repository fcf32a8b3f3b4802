/**
 * `@curio/diagnostics`: kernel activations that log through pino — `schedtrace`,
 * `traptrace`, `logcrash`, `longblock` — and task-aware loggers for protocol packages.
 * Logging never changes scheduling: every hook only writes a record.
 * @packageDocumentation
 */
export { defaultLogger, type DiagnosticOptions, type TaskNameFilter } from './options.js';
export { schedtrace } from './schedtrace.js';
export { traptrace } from './traptrace.js';
export { logcrash } from './logcrash.js';
export { longblock, type LongBlockOptions } from './longblock.js';
export { taskLogger, withLogger, setLogger } from './task-logger.js';
