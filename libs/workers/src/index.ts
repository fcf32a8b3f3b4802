/**
 * `@curio/workers`: work off the event loop. Thread and process pools
 * (`runInThread`, `runInProcess`), queues and events shared by tasks, async code and
 * worker threads (`UniversalQueue`, `UniversalEvent`), and servers on every core
 * (`runCluster`).
 * @packageDocumentation
 */
import { markLibraryCode } from '@curio/kernel';

// A task blocked in runInThread should show the user's line in where(), not ours.
markLibraryCode();

export { functionRef, workerFunction, WORKER_REF, type FunctionRef, type WorkerFunction, type Runnable } from './function-ref.js';
export { transfer, TRANSFER, type Transfer, type Transferable, type Untransferred } from './transfer.js';
export { WorkerError, WorkerCrashed, PoolClosed, ClusterGaveUp } from './errors.js';
export { WorkerPool, type PoolOptions, type PoolStats, type JobOptions, type WorkerArgs, type WorkerResult } from './pool.js';
export { ThreadPool, type ThreadPoolOptions } from './thread-pool.js';
export { ProcessPool, type ProcessPoolOptions } from './process-pool.js';
export { runInThread, runInProcess, defaultThreadPool, defaultProcessPool, configureWorkerPools, type WorkerPoolSizes } from './run.js';
export { UniversalOperation } from './universal-op.js';
export { UniversalQueue, type UniversalQueueOptions, type UniversalQueueClone } from './universal-queue.js';
export { UniversalEvent, type UniversalEventClone } from './universal-event.js';
export { runCluster, type ClusterOptions } from './cluster.js';
export type { RestartOptions } from './restarts.js';
