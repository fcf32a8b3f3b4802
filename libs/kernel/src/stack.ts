/**
 * Turns a recorded V8 stack into frames of user code, leaving out the kernel's own.
 * @packageDocumentation
 */

/** One frame of a task's stack. */
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

// The directory holding this file: frames from the kernel itself are left out.
const KERNEL_DIR = (() => {
  const m = FRAME.exec((new Error().stack ?? '').split('\n')[1] ?? '');
  const file = m?.[2] ?? '';
  return file.slice(0, Math.max(file.lastIndexOf('/'), 0) + 1);
})();

/** @internal Parses `error.stack` text into frames of user code, innermost first. */
export function parseFrames(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const text of stack.split('\n').slice(1)) {
    const m = FRAME.exec(text);
    if (m === null) continue;
    const file = m[2];
    if (KERNEL_DIR !== '' && file.startsWith(KERNEL_DIR)) continue;
    if (file.startsWith('node:')) continue;
    frames.push({ function: m[1] ?? '<anonymous>', file, line: Number(m[3]), column: Number(m[4]) });
  }
  return frames;
}
