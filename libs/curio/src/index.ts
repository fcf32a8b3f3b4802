/**
 * `curio`: the umbrella package. Re-exports everything users need from the `@curio/*`
 * packages, so `import { run, spawn, sleep } from 'curio'` is all most programs write.
 * Its `run` is the kernel's plus the `monitor` option (and `CURIO_MONITOR`).
 * @packageDocumentation
 */
export * from '@curio/kernel';
export * from '@curio/io';
export * from '@curio/diagnostics';
export * from '@curio/monitor';
// Declared here, this `run` takes the place of the kernel's in the star export above.
export { run, type RunOptions } from './run.js';
