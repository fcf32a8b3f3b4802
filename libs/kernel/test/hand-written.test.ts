import { HandWrittenOperation, SchedFIFO, TaskTimeout, requireTask, traceTrap, spawn, sleep, timeoutAfter, type Operation, type Trap } from '../src/index.js';
import { runVirtual } from './helpers.js';

/** The TSDoc example: a box whose take() waits for a value, with a release counter. */
class Box<T> {
  value: T | undefined = undefined;
  readonly takers = new SchedFIFO();
  releases = 0;
  take(): Operation<T> {
    return new TakeOperation(this);
  }
  put(value: T): void {
    if (this.takers.wakeOne(value) === null) this.value = value;
  }
}

class TakeOperation<T> extends HandWrittenOperation<T> {
  constructor(private readonly box: Box<T>) {
    super();
  }
  next(sent?: unknown): IteratorResult<Trap, T> {
    const phase = this.phase;
    this.phase = 'done';
    if (phase === 'waiting') return { value: sent as T, done: true };
    if (phase === 'done') return { value: undefined as T, done: true };
    requireTask('take');
    const value = this.box.value;
    if (value !== undefined) {
      this.box.value = undefined;
      return { value, done: true };
    }
    this.phase = 'waiting';
    return { value: traceTrap(this.box.takers.trap('BOX_TAKE')), done: false };
  }
  protected release(): void {
    this.box.releases++;
  }
}

describe('HandWrittenOperation', () => {
  it('runs nothing until the first next(), finishes at once or waits, and stays done', async () => {
    const seen = await runVirtual(function* () {
      const box = new Box<string>();
      const unused = box.take(); // made, never run: takes nothing
      box.put('first');
      const op = box.take();
      const first = yield* op;
      const after = op.next();
      const waiter = yield* spawn(function* () {
        return yield* box.take();
      });
      yield* sleep(1);
      const state = waiter.state;
      box.put('second');
      return { unused: unused instanceof HandWrittenOperation, first, after, state, second: yield* waiter.join(), releases: box.releases };
    });
    expect(seen).toEqual({ unused: true, first: 'first', after: { value: undefined, done: true }, state: 'BOX_TAKE', second: 'second', releases: 0 });
  });

  it('releases once when a waiting operation is cancelled or times out, and the error reaches the task', async () => {
    const seen = await runVirtual(function* () {
      const box = new Box<number>();
      let timedOut = false;
      try {
        yield* timeoutAfter(10, box.take());
      } catch (error) {
        timedOut = error instanceof TaskTimeout;
      }
      const waiter = yield* spawn(function* () {
        return yield* box.take();
      });
      yield* sleep(1);
      yield* waiter.cancel();
      box.put(7); // nobody waits any more: it stays in the box
      return { timedOut, releases: box.releases, left: box.value, waiters: box.takers.length };
    });
    expect(seen).toEqual({ timedOut: true, releases: 2, left: 7, waiters: 0 });
  });

  it('return() and using end a waiting operation with one release; on a finished one they do nothing', async () => {
    const seen = await runVirtual(function* () {
      const box = new Box<number>();
      const op = box.take();
      op.next(); // waiting (the trap is not yielded: this task does not park)
      const returned = op.return(5);
      const again = op.return(6);
      {
        using disposed = box.take();
        disposed.next();
      }
      return { returned, again, releases: box.releases, next: op.next() };
    });
    expect(seen).toEqual({ returned: { value: 5, done: true }, again: { value: 6, done: true }, releases: 2, next: { value: undefined, done: true } });
  });
});
