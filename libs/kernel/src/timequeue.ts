/**
 * The kernel's time queue: a binary min-heap of deadlines in which every entry knows
 * its own index, so a cancelled sleep or an unset timeout is removed in O(log n)
 * instead of lingering until its deadline.
 * @internal
 */
export class TimeEntry<V> {
  /** Position in the heap; -1 once removed. */
  index = -1;
  constructor(
    readonly deadline: number,
    /** Insertion order, so equal deadlines fire first-in first-out. */
    readonly seq: number,
    readonly value: V,
  ) {}
}

/** @internal */
export class TimeQueue<V> {
  private heap: TimeEntry<V>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** The earliest deadline, or `Infinity` when empty. */
  nextDeadline(): number {
    return this.heap.length ? this.heap[0].deadline : Infinity;
  }

  push(deadline: number, value: V): TimeEntry<V> {
    const entry = new TimeEntry(deadline, this.seq++, value);
    entry.index = this.heap.length;
    this.heap.push(entry);
    this.siftUp(entry.index);
    return entry;
  }

  /** Removes and returns the earliest entry if its deadline is at or before `now`. */
  popExpired(now: number): TimeEntry<V> | undefined {
    if (this.heap.length === 0 || this.heap[0].deadline > now) return undefined;
    const top = this.heap[0];
    this.remove(top);
    return top;
  }

  remove(entry: TimeEntry<V>): void {
    const i = entry.index;
    if (i < 0) return;
    const last = this.heap.pop() as TimeEntry<V>;
    entry.index = -1;
    if (last === entry) return;
    this.heap[i] = last;
    last.index = i;
    this.siftDown(i);
    this.siftUp(last.index);
  }

  private less(a: TimeEntry<V>, b: TimeEntry<V>): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const entry = heap[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(entry, heap[parent])) break;
      heap[i] = heap[parent];
      heap[i].index = i;
      i = parent;
    }
    heap[i] = entry;
    entry.index = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const entry = heap[i];
    while (true) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.less(heap[right], heap[left]) ? right : left;
      if (!this.less(heap[child], entry)) break;
      heap[i] = heap[child];
      heap[i].index = i;
      i = child;
    }
    heap[i] = entry;
    entry.index = i;
  }
}
