/**
 * The `monitor` activation: starts the console's worker thread when the kernel starts,
 * publishes which task holds the CPU (a shared memory slot written at each scheduling
 * event, no clock read) and, a while after changes, the task table (for answers while the kernel is
 * held up); answers the worker's
 * questions; stops the worker when the kernel shuts down.
 * @packageDocumentation
 */
import type { Worker } from 'node:worker_threads';
import type { Activation, Kernel } from '@curio/kernel';
import { formatMonitorAddress, resolveMonitorOptions, type MonitorAddress, type MonitorOptions, type MonitorTcpAddress, type MonitorUnixAddress } from './options.js';
import { RUNNING_ID, RUNNING_STEP, SLOT_LENGTH, type KernelMessage, type KernelRequest, type WorkerStatus } from './protocol.js';
import { cancelTask, taskRows, whereText } from './table.js';
import { ownSocketFile } from './socket-file.js';

/** How often the task table is published after changes while a client is connected (ms). */
const PUBLISH_WATCHED_MS = 100;
/**
 * ... and while none is: rarely, so an idle monitor costs next to nothing, but a client
 * that connects to a program already held up by a task still gets a recent table.
 */
const PUBLISH_UNWATCHED_MS = 1000;
/** How long the console waits for the kernel's thread before answering from the published table (ms). */
const KERNEL_ANSWER_MS = 1000;

/**
 * The activation {@link monitor} returns: an {@link Activation} that also tells where it
 * listens (`A`: a TCP or a Unix socket address, as the options asked for).
 *
 * @example
 * ```ts
 * const mon: MonitorActivation<MonitorTcpAddress> = monitor({ port: 0 });
 * await run(program, { activations: [mon] });
 * ```
 */
export interface MonitorActivation<A extends MonitorAddress = MonitorAddress> extends Activation {
  /**
   * Settles once the kernel has started and the console listens: with its address (the
   * port actually bound, for port 0), or rejects if it could not listen.
   */
  readonly listening: Promise<A>;
  /** Stops the console (the kernel's shutdown does it too). */
  close(): Promise<void>;
}

/**
 * Curio's monitor: a console on `127.0.0.1:48802` (by default) where `ps`, `where ID`,
 * `cancel ID`, `parents ID`, `signal NAME`, `help` and `quit` inspect and steer the
 * running program. Connect with `curio-monitor` (a bin of this package), `nc` or
 * `telnet`. On a shared machine give it a Unix socket `path` instead: loopback TCP is open
 * to every local user, and the console cancels tasks and sends signals. The console runs in a worker thread, so it answers `ps` even while a task
 * holds the CPU, and then names that task and for how long. A client can neither crash
 * the program nor hold up its tasks. Pass `traceStacks: true` to the kernel for `where`.
 *
 * @example
 * ```ts
 * const mon = monitor({ port: 0 });
 * mon.listening.then((address) => console.log(`monitor on ${formatMonitorAddress(address)}`));
 * await run(program, { activations: [mon], traceStacks: true });
 * ```
 */
export function monitor(options: MonitorOptions & { path: string }): MonitorActivation<MonitorUnixAddress>;
export function monitor(options?: MonitorOptions & { path?: undefined }): MonitorActivation<MonitorTcpAddress>;
export function monitor(options?: MonitorOptions): MonitorActivation;
export function monitor(options?: MonitorOptions): MonitorActivation {
  const address = resolveMonitorOptions(options);
  const listenText = formatMonitorAddress(address);
  const shared = new SharedArrayBuffer(SLOT_LENGTH * Float64Array.BYTES_PER_ELEMENT);
  const slot = new Float64Array(shared);
  let steps = 0;
  let worker: Worker | null = null;
  let kernel: Kernel | null = null;
  let clients = 0;
  let publishTimer: ReturnType<typeof setTimeout> | null = null;
  let resolveListening!: (address: MonitorAddress) => void;
  let rejectListening!: (error: Error) => void;
  const listening = new Promise<MonitorAddress>((resolve, reject) => {
    resolveListening = resolve;
    rejectListening = reject;
  });
  // Nobody has to await it: a monitor that cannot listen must not take the program down.
  listening.catch(() => {});

  const post = (message: KernelMessage) => worker?.postMessage(message);
  const publish = () => {
    publishTimer = null;
    if (kernel !== null && worker !== null) post({ type: 'table', rows: taskRows(kernel), at: Date.now() });
  };
  /** Publishes the table a while after a change (one timer at a time, whatever the number of changes). */
  const changed = () => {
    if (publishTimer === null && worker !== null) {
      publishTimer = setTimeout(publish, clients > 0 ? PUBLISH_WATCHED_MS : PUBLISH_UNWATCHED_MS);
      publishTimer.unref();
    }
  };

  const answer = (request: KernelRequest) => {
    const k = kernel;
    if (k === null) return;
    if (request.command === 'ps') post({ type: 'reply', id: request.id, rows: taskRows(k) });
    else if (request.command === 'where') post({ type: 'reply', id: request.id, text: whereText(k, request.taskId) });
    else cancelTask(k, request.taskId, (text) => post({ type: 'reply', id: request.id, text }));
  };

  // Removes the Unix socket file, once the worker has bound one.
  let removeSocket = () => {};
  let stopping: Promise<void> | null = null;
  const stop = () => (stopping ??= stopWorker());
  const stopWorker = async () => {
    const w = worker;
    worker = null;
    // At once: a program may exit right after its kernel's shutdown, before the worker acts.
    removeSocket();
    if (publishTimer !== null) clearTimeout(publishTimer);
    publishTimer = null;
    slot[RUNNING_ID] = 0;
    if (w === null) return;
    // Ask the console to stop listening first (a kernel-side terminate alone can leave the
    // port open a moment longer), then end the thread.
    await new Promise<void>((resolve) => {
      w.once('exit', () => resolve());
      w.on('message', (message: { type: string }) => {
        if (message.type === 'stopped') resolve();
      });
      w.postMessage({ type: 'stop' });
    });
    await w.terminate();
    removeSocket(); // in case the worker bound it while stopping
  };

  /** Starts the console's worker thread on the console's source. */
  const startWorker = (source: string) => {
    const w = new (process.getBuiltinModule('node:worker_threads').Worker)(source, {
      eval: true,
      workerData: { address, slot: shared, answerMs: KERNEL_ANSWER_MS },
      // The worker's source is a CommonJS script, whatever the program was started as (`node --input-type=module -e`).
      execArgv: process.execArgv.filter((arg) => !arg.startsWith('--input-type')),
    });
    worker = w;
    // The console never keeps the program alive on its own.
    w.unref();
    w.on('message', (message: KernelRequest | WorkerStatus | { type: 'clients'; count: number }) => {
      if (message.type === 'request') answer(message);
      else if (message.type === 'clients') {
        clients = message.count;
        changed();
      } else if (message.type === 'listening') {
        if (message.address.path !== undefined) removeSocket = ownSocketFile(message.address.path);
        resolveListening(message.address);
      }
      else if (message.type === 'failed') {
        process.stderr.write(`curio monitor: cannot listen on ${listenText}: ${message.message}\n`);
        rejectListening(new Error(`monitor(): cannot listen on ${listenText}: ${message.message}`));
        void stop();
      }
    });
    w.on('error', (error) => {
      process.stderr.write(`curio monitor: the console stopped: ${error.message}\n`);
      rejectListening(error);
      worker = null;
    });
  };

  return {
    listening,
    close: stop,
    activate(k: Kernel) {
      kernel = k;
      // The console's code runs in the worker only: its modules load when a monitor starts,
      // not with curio. A monitor closed meanwhile starts no worker.
      void import('./worker-source.js').then(({ workerSource }) => {
        if (stopping === null) startWorker(workerSource());
        // Settled either way, so that nobody waits on it for ever.
        else rejectListening(new Error(`monitor(): closed before it listened on ${listenText}`));
      }, (error: Error) => {
        process.stderr.write(`curio monitor: cannot start the console: ${error.message}\n`);
        rejectListening(error);
      });
    },
    // One hook, no clock read: the id and step count of the step that starts. The slot is
    // not cleared when the step ends: the worker only reads it when the kernel's thread has
    // not answered, and then the last step started is the one holding it.
    running(task) {
      slot[RUNNING_ID] = task.id;
      slot[RUNNING_STEP] = ++steps;
      if (publishTimer === null) changed();
    },
    shutdown() {
      void stop();
    },
  };
}
