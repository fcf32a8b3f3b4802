/**
 * Length-prefixed frames over a byte stream, as Python's `multiprocessing.connection`
 * writes them: a 4-byte big-endian signed length, then that many bytes.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import type { Operation } from '@curio/kernel';
import { IncompleteReadError } from '../io-error.js';
import { EOFError, FrameError } from './errors.js';

/**
 * The byte stream a {@link Connection} runs over. Every {@link Stream} is one (a
 * socket's `asStream()`, or `Stream.fromNode(child.stdout, child.stdin)`).
 * @example
 * ```ts
 * const transport: ByteTransport = Stream.fromNode(child.stdout, child.stdin);
 * const conn = new Connection(transport);
 * ```
 */
export interface ByteTransport {
  /** Reads exactly `n` bytes; at the end of the stream throws `IncompleteReadError` with what arrived. */
  readExactly(n: number): Operation<Buffer>;
  /** Writes all of `data`; once it has started, all of it goes out even if the task is cancelled. */
  write(data: Buffer): Operation<void>;
  /** Closes the stream. */
  close(): void;
}

/** Bytes in a frame header. */
export const HEADER_SIZE = 4;
/** The largest length a 4-byte signed header can carry. */
export const MAX_HEADER_LENGTH = 0x7fffffff;

const EMPTY = Buffer.alloc(0);

/**
 * Reads and writes frames. Reading is safe to cancel at any point: a header already
 * read is remembered, so the next read goes on with the same frame's body.
 */
export class FramedStream {
  /** Body length of the frame whose header has been read, or null between frames. */
  private expected: number | null = null;

  constructor(
    private readonly transport: ByteTransport,
    /** Frames longer than this are refused (both ways). */
    readonly maxFrameSize: number,
  ) {}

  /**
   * Reads one frame's body.
   * @param maxLength refuse frames longer than this (at most `maxFrameSize`).
   * @throws EOFError if the stream ended cleanly before a frame; FrameError for an
   * over-long, negative or truncated frame.
   */
  *readFrame(operation: string, maxLength: number): Operation<Buffer> {
    if (this.expected === null) {
      const header = yield* this.readExactly(operation, HEADER_SIZE, true);
      const length = header.readInt32BE(0);
      if (length < 0) throw new FrameError(`${operation}(): malformed frame: negative length ${length} in its header`);
      const limit = Math.min(maxLength, this.maxFrameSize);
      if (length > limit) {
        const which = maxLength < this.maxFrameSize ? `maxLength ${maxLength}` : `maxFrameSize ${this.maxFrameSize}`;
        throw new FrameError(`${operation}(): frame of ${length} bytes is over the limit (${which}); the connection was closed`);
      }
      this.expected = length;
    }
    const body = this.expected === 0 ? EMPTY : yield* this.readExactly(operation, this.expected, false);
    this.expected = null;
    return body;
  }

  /**
   * Writes `data` as one frame, header and body in a single write (so a cancellation
   * never leaves half a frame on the wire).
   * @throws RangeError if `data` is longer than `maxFrameSize`.
   */
  *writeFrame(operation: string, data: Uint8Array): Operation<void> {
    if (data.length > this.maxFrameSize) {
      throw new RangeError(`${operation}(): message of ${data.length} bytes is over maxFrameSize (${this.maxFrameSize} bytes)`);
    }
    const frame = Buffer.allocUnsafe(HEADER_SIZE + data.length);
    frame.writeInt32BE(data.length, 0);
    frame.set(data, HEADER_SIZE);
    yield* this.transport.write(frame);
  }

  private *readExactly(operation: string, n: number, atBoundary: boolean): Operation<Buffer> {
    try {
      return yield* this.transport.readExactly(n);
    } catch (error) {
      if (!(error instanceof IncompleteReadError)) throw error;
      if (atBoundary && error.partial.length === 0) throw new EOFError(`${operation}(): the peer closed the connection`);
      const part = atBoundary ? 'header' : 'body';
      throw new FrameError(`${operation}(): truncated frame: the stream ended after ${error.partial.length} of the ${n} bytes of its ${part}`);
    }
  }
}
