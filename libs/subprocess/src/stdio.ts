/**
 * Turns the `stdin`/`stdout`/`stderr` options of {@link Popen} into what
 * `child_process.spawn` takes, and says what has to happen after the spawn.
 * @packageDocumentation
 */
import type { Readable, Writable } from 'node:stream';
import { describeValue } from '@curio/kernel';
import { AsyncFile } from '@curio/io';
import { ProcessPipe, type PipeName } from './pipe.js';

/**
 * Where a child's standard stream goes:
 * - `'pipe'`: a new pipe; this process gets its end as a {@link ProcessPipe}
 *   (`p.stdin`, `p.stdout`, `p.stderr`);
 * - `'inherit'`: this process's own stream (the default, as in Python);
 * - `'ignore'`: `/dev/null`;
 * - a file descriptor number, or an open {@link AsyncFile} from `aopen` (the child
 *   reads or writes at the descriptor's OS position: the start of a newly opened
 *   file, the end in `'a'` mode);
 * - another child's {@link ProcessPipe} (`stdin: p1.stdout`): the two children are
 *   joined directly and this process's end of that pipe is closed.
 *
 * @example
 * ```ts
 * using log = yield* aopen('/tmp/build.log', 'a');
 * const stdout: StdioOption = log;   // the child appends to the file itself
 * using p = yield* Popen.start(['make'], { stdin: 'ignore', stdout });
 * ```
 */
export type StdioOption = 'pipe' | 'inherit' | 'ignore' | number | AsyncFile | ProcessPipe | null | undefined;

/**
 * Like {@link StdioOption}, plus `'stdout'` for stderr: merge it into stdout (Python's `STDOUT`).
 * @example
 * ```ts
 * const stderr: StderrOption = 'stdout';   // one stream with both, in the order written
 * const both = yield* checkOutput(['make'], { stderr, encoding: 'utf-8' });
 * ```
 */
export type StderrOption = StdioOption | 'stdout';

/** What one slot becomes for `spawn`. */
type NodeStdio = 'pipe' | 'inherit' | 'ignore' | number | Readable | Writable;

/** The resolved stdio of a spawn. */
export interface ResolvedStdio {
  stdio: [NodeStdio, NodeStdio, NodeStdio];
  /** Pipes of other children given to this one: closed here once it has started. */
  handedOver: ProcessPipe[];
  /** stderr is to be merged into a stdout pipe: the child must dup 1 onto 2 itself. */
  mergeIntoPipe: boolean;
}

const NAMES: readonly PipeName[] = ['stdin', 'stdout', 'stderr'];

/** Checks and converts the three options; clear errors name the option and the value. */
export function resolveStdio(operation: string, stdin: StdioOption, stdout: StdioOption, stderr: StderrOption): ResolvedStdio {
  const handedOver: ProcessPipe[] = [];
  const slot = (index: number, value: StdioOption): NodeStdio => {
    const name = NAMES[index];
    if (value === undefined || value === null || value === 'inherit') return 'inherit';
    if (value === 'pipe' || value === 'ignore') return value;
    if (typeof value === 'number') {
      if (Number.isInteger(value) && value >= 0) return value;
      throw new RangeError(`${operation}: ${name} must be a file descriptor (a non-negative integer), got ${describeValue(value)}`);
    }
    if (value instanceof AsyncFile) return value.fileno();
    if (value instanceof ProcessPipe) {
      const wantsReadable = index === 0;
      if (wantsReadable !== (value.name !== 'stdin')) {
        const need = wantsReadable ? "another process's stdout or stderr pipe" : "another process's stdin pipe";
        throw new TypeError(`${operation}: ${name} can take ${need}, got ${String(value)}`);
      }
      const stream = value.handOver(operation, name);
      handedOver.push(value);
      return stream;
    }
    throw new TypeError(`${operation}: ${name} must be 'pipe', 'inherit', 'ignore', a file descriptor, an AsyncFile from aopen() or another Popen's pipe${index === 2 ? " or 'stdout'" : ''}; got ${describeValue(value)}`);
  };
  const inSlot = slot(0, stdin);
  const outSlot = slot(1, stdout);
  let errSlot: NodeStdio;
  let mergeIntoPipe = false;
  if (stderr === 'stdout') {
    if (outSlot === 'pipe') {
      errSlot = 'inherit'; // replaced in the child by `2>&1`
      mergeIntoPipe = true;
    } else {
      // 'inherit' means this process's stdout (fd 1), not its stderr.
      errSlot = outSlot === 'inherit' ? 1 : outSlot;
    }
  } else {
    errSlot = slot(2, stderr);
  }
  return { stdio: [inSlot, outSlot, errSlot], handedOver, mergeIntoPipe };
}
