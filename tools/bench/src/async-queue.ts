/**
 * The smallest reasonable promise-based queue, as a user of plain async functions would
 * write it: `put` is synchronous (unbounded), `get` returns a promise.
 * @packageDocumentation
 */

/** An unbounded FIFO for async functions: `q.put(x)`, `await q.get()`. */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private readonly getters: ((item: T) => void)[] = [];

  /** Hands `item` to the oldest waiting getter, or stores it. */
  put(item: T): void {
    const getter = this.getters.shift();
    if (getter !== undefined) getter(item);
    else this.items.push(item);
  }

  /** The oldest item, waiting for one if the queue is empty. */
  get(): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift() as T);
    return new Promise<T>((resolve) => this.getters.push(resolve));
  }
}
