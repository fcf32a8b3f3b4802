/**
 * Turns a recorded V8 stack into frames of user code, leaving out library code (the
 * kernel's own, and what other libraries mark with {@link markLibraryCode}).
 * @packageDocumentation
 */

/**
 * One frame of a task's stack.
 * @example
 * ```ts
 * const frame: StackFrame | null = task.where();
 * if (frame) console.log(`task ${task.id} waits in ${frame.function} at ${frame.file}:${frame.line}`);
 * ```
 */
export interface StackFrame {
  /** Function name, or `<anonymous>`. */
  function: string;
  /** File path or URL. */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

const FRAME = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/;

function directoryOf(file: string): string {
  return file.slice(0, file.lastIndexOf('/') + 1);
}

/** The directory of a file on the current stack: depth 0 is this file, 1 the function calling this one, 2 its caller. */
function callerDirectory(depth: number): string {
  const m = FRAME.exec((new Error().stack ?? '').split('\n')[depth + 1] ?? '');
  return directoryOf(m?.[2] ?? '');
}

/** Directories of library code, left out of tasks' stacks: the kernel's, and those of {@link markLibraryCode}. */
const libraryDirs: string[] = [callerDirectory(0)];

/**
 * For library authors: marks the directory of the calling module as library code, so
 * `task.where()` and `task.traceback()` skip its frames and name the user's line instead
 * of, say, the socket reader's. Call it once at the top of the library's entry module.
 * @example
 * ```ts
 * // At the top of a library's entry module (src/index.ts):
 * import { markLibraryCode } from '@curio/kernel';
 * markLibraryCode();   // task.where() now points at the caller's line, not the library's
 * ```
 */
export function markLibraryCode(): void {
  const dir = callerDirectory(2);
  if (dir !== '' && !libraryDirs.includes(dir)) libraryDirs.push(dir);
}

/** @internal Parses `error.stack` text into frames of user code, innermost first. */
export function parseFrames(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const text of stack.split('\n').slice(1)) {
    const m = FRAME.exec(text);
    if (m === null) continue;
    const file = m[2];
    if (file.startsWith('node:') || libraryDirs.some((dir) => file.startsWith(dir))) continue;
    frames.push({ function: m[1] ?? '<anonymous>', file, line: Number(m[3]), column: Number(m[4]) });
  }
  return frames;
}
