/**
 * {@link Slots}: how many consumers are free, so the reader fetches no more jobs than
 * can start at once (a job fetched and not started would wait in this process while
 * another worker sits idle).
 * @packageDocumentation
 */
import { Event, type Operation } from '@curio/kernel';

/** @internal */
export class Slots {
  private readonly changed = new Event();

  constructor(private free: number) {}

  /** Waits until at least one slot is free, and takes every free one. */
  *takeAll(): Operation<number> {
    while (this.free === 0) {
      this.changed.clear();
      yield* this.changed.wait();
    }
    const n = this.free;
    this.free = 0;
    return n;
  }

  /** Gives `n` slots back. */
  give(n: number): void {
    if (n <= 0) return;
    this.free += n;
    this.changed.set();
  }
}
