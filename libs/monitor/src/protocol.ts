/**
 * What the kernel's thread and the monitor's worker thread tell each other.
 * @packageDocumentation
 */
import type { MonitorAddress } from './options.js';

/**
 * One line of the `ps` table. Times are kernel clock milliseconds left, or null.
 *
 * @example
 * ```ts
 * const row: TaskRow = { id: 2, name: 'echoClient', state: 'READ_WAIT', cycles: 2, timeout: null, sleep: null, parentId: 1, daemon: false };
 * ```
 */
export interface TaskRow {
  id: number;
  name: string;
  state: string;
  cycles: number;
  /** Milliseconds until the task's timeout, or null. */
  timeout: number | null;
  /** Milliseconds of sleep left (in `TIME_SLEEP`), or null. */
  sleep: number | null;
  parentId: number | null;
  daemon: boolean;
}

/** @internal Worker to kernel: a question the kernel's thread must answer. */
export type KernelRequest =
  | { type: 'request'; id: number; command: 'ps' }
  | { type: 'request'; id: number; command: 'where' | 'cancel'; taskId: number };

/** @internal Kernel to worker. */
export type KernelMessage =
  /** The answer to a request: a table for `ps`, text for the others. */
  | { type: 'reply'; id: number; rows?: TaskRow[]; text?: string }
  /** The task table, published after scheduling changes (read when the kernel is busy). */
  | { type: 'table'; rows: TaskRow[]; at: number };

/** @internal Worker to kernel, at start. */
export type WorkerStatus = { type: 'listening'; address: MonitorAddress } | { type: 'failed'; message: string };

/**
 * @internal Layout of the shared running-task slot (a Float64Array over a
 * SharedArrayBuffer): which task last got the CPU (0 before any) and a count of the steps
 * the kernel has started. No clock is read on the kernel's side (a clock read per step is the
 * dearest part of a hook); the worker samples the slot and times how long one step lasts.
 */
export const RUNNING_ID = 0;
export const RUNNING_STEP = 1;
export const SLOT_LENGTH = 2;
