/**
 * {@link ReplyReader}: the replies in a stream of bytes that arrive in pieces, read in
 * time and memory linear in their size. Bytes are appended into a buffer whose capacity
 * at least doubles when it grows (so each byte is copied a bounded number of times), and
 * the parser resumes where it stopped (an array half received is not parsed again).
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import { INCOMPLETE, newCursor, resumeReply, type Frame, type ReplyLimits, type RespReply } from './resp.js';

const EMPTY = Buffer.alloc(0);

/** @internal Reads replies from the bytes fed to it; a connection has one. */
export class ReplyReader {
  /** What growing the buffer cost so far: buffers allocated and bytes copied into them. */
  readonly stats = { allocations: 0, copiedBytes: 0 };
  /** Bytes received: `buffer[start..end)` are not parsed yet; `buffer[end..]` is spare room. */
  private buffer: Buffer = EMPTY;
  private start = 0;
  private end = 0;
  private readonly cursor = newCursor(0);
  private readonly stack: Frame[] = [];

  constructor(private readonly limits: ReplyLimits) {}

  /** The size of the buffer held now (what memory the bytes not yet parsed take). */
  get capacity(): number {
    return this.buffer.length;
  }

  /** The next whole reply, or {@link INCOMPLETE} until more bytes are fed. @throws RedisProtocolError */
  next(): RespReply | typeof INCOMPLETE {
    if (this.end < this.cursor.need) return INCOMPLETE;
    const reply = resumeReply(this.buffer.subarray(0, this.end), this.cursor, this.stack, this.limits);
    this.start = this.cursor.pos;
    // Nothing left to parse: drop the buffer (replies handed out keep what they use).
    if (this.start === this.end) this.relocate(EMPTY, 0);
    return reply;
  }

  /** Adds received bytes. `data` is kept as it is when nothing is pending, else copied. */
  feed(data: Buffer): void {
    if (data.length === 0) return;
    if (this.start === this.end) {
      this.relocate(data, data.length);
      return;
    }
    const pending = this.end - this.start;
    const total = pending + data.length;
    if (this.end + data.length <= this.buffer.length) {
      // Spare room past `end` was never handed out in a reply: safe to write.
      data.copy(this.buffer, this.end);
      this.end += data.length;
      this.stats.copiedBytes += data.length;
      return;
    }
    // Grow to twice what is pending, or just to what the element being read needs if that
    // is less (a bulk string's header says its size): never more than twice the bytes
    // received, whatever a header claims.
    const wanted = this.cursor.need - this.start;
    const capacity = wanted > total && wanted < 2 * total ? wanted : 2 * total;
    const grown = Buffer.allocUnsafe(capacity);
    this.buffer.copy(grown, 0, this.start, this.end);
    data.copy(grown, pending);
    this.stats.allocations++;
    this.stats.copiedBytes += total;
    this.relocate(grown, total);
  }

  /** Makes `buffer[0..end)` the unparsed bytes, moving the cursor with them. */
  private relocate(buffer: Buffer, end: number): void {
    const shift = this.start;
    const cursor = this.cursor;
    cursor.pos -= shift;
    cursor.need = Math.max(0, cursor.need - shift);
    cursor.scanned = Math.max(0, cursor.scanned - shift);
    this.buffer = buffer;
    this.start = 0;
    this.end = end;
  }
}
