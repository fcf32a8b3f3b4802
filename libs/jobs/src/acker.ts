/**
 * {@link Acker}: acknowledgements go out in batches, one pipelined XACK + XDEL per batch
 * (one round trip for however many jobs finished meanwhile), from a task of their own.
 * @packageDocumentation
 */
import { Event, type Operation } from '@curio/kernel';
import { RedisReplyError } from '@curio/redis';
import type { QueueKeys } from './keys.js';
import type { Link } from './link.js';

/** @internal */
export class Acker {
  private waiting: string[] = [];
  private readonly wake = new Event();
  private closing = false;
  /** Jobs acknowledged so far. */
  acked = 0;

  constructor(private readonly link: Link, private readonly keys: QueueKeys, private readonly onAcked: (ids: readonly string[]) => void) {}

  /** Queues the acknowledgement of the delivery `entryId`. */
  push(entryId: string): void {
    this.waiting.push(entryId);
    this.wake.set();
  }

  /** After this, {@link Acker.run} returns once everything queued is sent. */
  finish(): void {
    this.closing = true;
    this.wake.set();
  }

  /** Sends batches until {@link Acker.finish} and nothing is left. */
  *run(): Operation<void> {
    const { stream, group } = this.keys;
    for (;;) {
      while (this.waiting.length === 0) {
        if (this.closing) return;
        this.wake.clear();
        yield* this.wake.wait();
      }
      const ids = this.waiting.slice();
      // Keep them queued until the server has them: cancelled or reconnecting, none is lost.
      yield* this.link.use(function* (conn) {
        const [ack] = yield* conn.pipeline().command('XACK', stream, group, ...ids).command('XDEL', stream, ...ids).exec();
        // NOGROUP: the server lost the group (restarted empty), so there is nothing left to acknowledge.
        if (ack instanceof RedisReplyError && ack.code !== 'NOGROUP') throw ack;
      });
      this.waiting.splice(0, ids.length);
      this.acked += ids.length;
      this.onAcked(ids);
    }
  }
}
