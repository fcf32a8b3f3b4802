/**
 * `curio`: the umbrella package. Re-exports the core (`@curio/kernel`, `@curio/io`,
 * `@curio/signals`, `@curio/subprocess`, `@curio/ssl`) and its tools (`@curio/workers`,
 * `@curio/diagnostics`, `@curio/monitor`), so `import { run, spawn, sleep } from 'curio'`
 * is all most programs write. Protocol packages (`@curio/redis`, ...) are imported by
 * their own names: the umbrella never loads them.
 * Its `run` is the kernel's, and its `main` that of `@curio/signals`, plus the `monitor`
 * option (and `CURIO_MONITOR`).
 * @packageDocumentation
 */
export * from '@curio/kernel';
export * from '@curio/io';
export * from '@curio/signals';
// The kernel's `run` has the name here: the subprocess `run` is `runProcess` (as Trio
// names it) and `subprocess.run`; everything else of @curio/subprocess is re-exported as is.
export {
  Popen, ProcessPipe, DEFAULT_GRACE_PERIOD, checkOutput, CompletedProcess, SubprocessError, CalledProcessError, TimeoutExpired,
  run as runProcess,
  type PopenOptions, type TextPopenOptions, type CommunicateResult, type PipeName, type StdioOption, type StderrOption,
  type RunOptions as ProcessRunOptions, type TextRunOptions, type CheckOutputOptions, type Command,
} from '@curio/subprocess';
/**
 * The whole of `@curio/subprocess` as a namespace, its `run` included.
 * @example
 * ```ts
 * const done = yield* subprocess.run(['git', 'status', '--short'], { capture: true, encoding: 'utf-8' });
 * ```
 */
export * as subprocess from '@curio/subprocess';
export * from '@curio/ssl';
export * from '@curio/workers';
export * from '@curio/diagnostics';
export * from '@curio/monitor';
// Declared here, this `run` and `main` take the place of the kernel's and of @curio/signals' in the star exports above.
export { run, main, type RunOptions, type MainOptions } from './run.js';
