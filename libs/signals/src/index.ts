/**
 * `@curio/signals`: Unix signals for Curio tasks ({@link SignalQueue}, {@link SignalEvent})
 * and {@link main}, a program entry point that shuts down gracefully on SIGINT/SIGTERM.
 * @packageDocumentation
 */
import { markLibraryCode } from '@curio/kernel';

// A task waiting for a signal should show the user's line in where(), not ours.
markLibraryCode();

export { SignalWatcher } from './watcher.js';
export { SignalQueue } from './signal-queue.js';
export { SignalEvent } from './signal-event.js';
export { ClosedSignalWatcherError } from './errors.js';
export { main, type MainOptions, type ShutdownSignal } from './main.js';
