/**
 * `@curio/subprocess`: child processes as Curio operations, over `node:child_process`.
 * `Popen` with stream pipes, `run`, `checkOutput`, pipelines joined without the data
 * passing through the parent. Names are Python's (Curio's), in camelCase.
 * @packageDocumentation
 */
import { markLibraryCode } from '@curio/kernel';

// Tasks blocked in p.wait() or a pipe read should show the user's line in where().
markLibraryCode();

export { Popen, DEFAULT_GRACE_PERIOD, type PopenOptions, type TextPopenOptions, type CommunicateResult } from './popen.js';
export { ProcessPipe, type PipeName } from './pipe.js';
export type { StdioOption, StderrOption } from './stdio.js';
export { run, checkOutput, CompletedProcess, type RunOptions, type TextRunOptions, type CheckOutputOptions, type RunResult } from './run.js';
export { SubprocessError, CalledProcessError, TimeoutExpired, type Command } from './errors.js';
