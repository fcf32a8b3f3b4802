/**
 * The baseline for runInThread: what a user writes by hand with `node:worker_threads` and
 * promises. A fixed set of threads, a JS array as the job queue, one `postMessage` per job
 * and a promise resolved by the reply. No cancellation, no crash handling, no function
 * references: the job (an addition) is written into the worker's code.
 * @packageDocumentation
 */
import { Worker } from 'node:worker_threads';

const CODE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => parentPort.postMessage({ id: m.id, value: m.a + m.b }));
`;

interface Pending {
  id: number;
  a: number;
  b: number;
  resolve: (value: number) => void;
}

/** A bare promise pool of `size` threads computing `a + b`. */
export class BarePool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Map<Worker, Pending>();
  private nextId = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(CODE, { eval: true });
      worker.on('message', (m: { id: number; value: number }) => {
        const job = this.running.get(worker)!;
        this.running.delete(worker);
        job.resolve(m.value);
        this.idle.push(worker);
        this.pump();
      });
      this.idle.push(worker);
      this.all.push(worker);
    }
  }

  add(a: number, b: number): Promise<number> {
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, a, b, resolve });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && this.idle.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.running.set(worker, job);
      worker.postMessage({ id: job.id, a: job.a, b: job.b });
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
