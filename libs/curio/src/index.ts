/**
 * `curio`: the umbrella package. Re-exports everything users need from the `@curio/*`
 * packages, so `import { run, spawn, sleep } from 'curio'` is all most programs write.
 * @packageDocumentation
 */
export * from '@curio/kernel';
export * from '@curio/io';
export * from '@curio/signals';
/** The Redis client (`@curio/redis`), as a namespace: `redis.connect(...)`, `redis.createPool(...)`. */
export * as redis from '@curio/redis';
