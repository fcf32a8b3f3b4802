/**
 * The read buffer of an {@link AsyncFile}: the bytes read from the file but not yet
 * handed to the caller, kept as a list of chunks so that appending is cheap and a long
 * read never copies what it has gathered more than once.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';

const EMPTY = Buffer.alloc(0);

/** A FIFO of bytes kept as chunks. */
export class ReadBuffer {
  private chunks: Buffer[] = [];
  private size = 0;

  /** Bytes held. */
  get length(): number {
    return this.size;
  }

  /** Adds bytes at the end. */
  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** Drops everything. */
  clear(): void {
    this.chunks = [];
    this.size = 0;
  }

  /** The first `n` bytes (at most all) as one Buffer, left in place. */
  peek(n: number): Buffer {
    n = Math.min(n, this.size);
    if (n === 0) return EMPTY;
    if (this.chunks[0].length < n) this.coalesce(n);
    return this.chunks[0].subarray(0, n);
  }

  /** Removes and returns the first `n` bytes (at most all). */
  take(n: number): Buffer {
    const out = this.peek(n);
    if (out.length === 0) return out;
    const first = this.chunks[0];
    if (out.length === first.length) this.chunks.shift();
    else this.chunks[0] = first.subarray(out.length);
    this.size -= out.length;
    return out;
  }

  /** Removes and returns everything. */
  takeAll(): Buffer {
    return this.take(this.size);
  }

  /**
   * Offset just past the first newline at or after `from`: a 0x0A byte for `unit` 1, a
   * 0x0A 0x00 pair at an even offset for `unit` 2 (UTF-16LE). -1 if there is none yet.
   */
  lineEnd(unit: 1 | 2, from: number): number {
    let base = 0;
    for (const chunk of this.chunks) {
      let i = Math.max(0, from - base);
      while (i < chunk.length) {
        const hit = chunk.indexOf(0x0a, i);
        if (hit < 0) break;
        const at = base + hit;
        if (unit === 1) return at + 1;
        if (at % 2 === 0) {
          if (at + 1 >= this.size) return -1; // the pair's second byte has not arrived
          if (this.byteAt(at + 1) === 0) return at + 2;
        }
        i = hit + 1;
      }
      base += chunk.length;
    }
    return -1;
  }

  private byteAt(offset: number): number {
    for (const chunk of this.chunks) {
      if (offset < chunk.length) return chunk[offset];
      offset -= chunk.length;
    }
    return -1;
  }

  /** Merges leading chunks until the first holds at least `n` bytes. */
  private coalesce(n: number): void {
    let count = 0;
    let bytes = 0;
    while (bytes < n) bytes += this.chunks[count++].length;
    const merged = Buffer.concat(this.chunks.slice(0, count), bytes);
    this.chunks.splice(0, count, merged);
  }
}
