/**
 * {@link Connection}: one end of a message channel. Messages are length-prefixed frames;
 * objects are serialised with `node:v8` (the structured-clone algorithm).
 * @packageDocumentation
 */
import v8 from 'node:v8';
import { ReadResourceBusy, WriteResourceBusy, type Operation, describeValue } from '@curio/kernel';
import { ChannelError, FrameError } from './errors.js';
import { FramedStream, MAX_HEADER_LENGTH, type ByteTransport } from './frame.js';
import { authenticateClient, authenticateServer } from './auth.js';

/**
 * The default largest message, both ways: 64 MiB.
 * @example
 * ```ts
 * const conn = new Connection(stream, { maxFrameSize: DEFAULT_MAX_FRAME_SIZE / 64 });   // 1 MiB
 * ```
 */
export const DEFAULT_MAX_FRAME_SIZE = 64 * 1024 * 1024;

/**
 * Options of a {@link Connection} (and of the {@link Channel} that makes it).
 * @example
 * ```ts
 * const options: ConnectionOptions = { maxFrameSize: 1024 * 1024 };
 * const conn = new Connection(sock.asStream(), options);
 * ```
 */
export interface ConnectionOptions {
  /**
   * The largest message in bytes, both ways (default 64 MiB, at most 2 GiB - 1). A larger
   * incoming frame is a {@link FrameError} that closes the connection; a larger outgoing
   * one is refused with a RangeError before anything is sent.
   */
  maxFrameSize?: number;
}

/** Checks a `maxFrameSize` option; gives the default for undefined. */
export function checkMaxFrameSize(operation: string, value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_FRAME_SIZE;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_HEADER_LENGTH) {
    throw new RangeError(`${operation}: maxFrameSize must be an integer from 1 to ${MAX_HEADER_LENGTH}, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * One end of a message channel, from {@link Channel.accept} or {@link Channel.connect}:
 * sends and receives whole messages, either objects (`send`/`recv`, serialised with
 * `node:v8`, so anything `structuredClone` accepts: plain objects, arrays, Maps, Sets,
 * Dates, BigInts, Buffers, typed arrays, errors) or raw bytes (`sendBytes`/`recvBytes`).
 *
 * A cancelled `recv` loses nothing (a frame half received is finished by the next
 * `recv`); a cancelled `send` has either sent the whole message or nothing. One task
 * receives at a time (a second gets `ReadResourceBusy`) and one sends at a time
 * (`WriteResourceBusy`). A frame the peer gets wrong (over the size limit, truncated,
 * not deserialisable) raises {@link FrameError} and closes the connection.
 *
 * @example
 * ```ts
 * using conn = yield* channel.connect({ authkey: 'secret' });
 * yield* conn.send({ op: 'add', args: [1, 2] });
 * const reply = yield* conn.recv();
 * ```
 */
export class Connection {
  private readonly frames: FramedStream;
  private reading = false;
  private writing = false;
  private isClosed = false;

  /**
   * Wraps a connected byte stream. Most code gets connections from a {@link Channel};
   * use this to run the protocol over a stream made another way.
   */
  constructor(
    private readonly transport: ByteTransport,
    options: ConnectionOptions = {},
  ) {
    this.frames = new FramedStream(transport, checkMaxFrameSize('Connection()', options.maxFrameSize));
  }

  /** The largest message accepted or sent, in bytes. */
  get maxFrameSize(): number {
    return this.frames.maxFrameSize;
  }

  /** True once the connection has been closed (by {@link Connection.close} or a bad frame). */
  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Sends one object, serialised with `node:v8`.
   * @throws TypeError if it cannot be serialised (a function, a symbol, ...), RangeError
   * if it serialises to more than `maxFrameSize` bytes; nothing is sent then.
   */
  *send(obj: unknown): Operation<void> {
    let data: Buffer;
    try {
      data = v8.serialize(obj);
    } catch (error) {
      throw new TypeError(`send(): the message cannot be serialised: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    yield* this.writeFrame('send', data);
  }

  /**
   * Receives one object.
   * @throws EOFError when the peer has closed the connection; FrameError (closing the
   * connection) for a bad frame or bytes that do not deserialise.
   */
  *recv(): Operation<unknown> {
    const data = yield* this.readFrame('recv', this.frames.maxFrameSize);
    try {
      return v8.deserialize(data);
    } catch (error) {
      this.close();
      const why = error instanceof Error ? error.message : String(error);
      throw new FrameError(`recv(): malformed message: ${data.length} bytes that do not deserialise (${why}); the connection was closed`, { cause: error });
    }
  }

  /**
   * Sends bytes as one message: `size` bytes of `data` from `offset` (default: all of
   * it).
   * @throws RangeError for an offset or size outside `data`, or over `maxFrameSize`.
   */
  *sendBytes(data: Uint8Array, offset = 0, size?: number): Operation<void> {
    if (!(data instanceof Uint8Array)) throw new TypeError(`sendBytes(): expected a Buffer or Uint8Array, got ${describeValue(data)}`);
    if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`sendBytes(): offset must be a non-negative integer, got ${describeValue(offset)}`);
    if (offset > data.length) throw new RangeError(`sendBytes(): offset ${offset} is past the end of the data (${data.length} bytes)`);
    const length = size ?? data.length - offset;
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`sendBytes(): size must be a non-negative integer, got ${describeValue(size)}`);
    if (offset + length > data.length) throw new RangeError(`sendBytes(): offset ${offset} + size ${length} is past the end of the data (${data.length} bytes)`);
    yield* this.writeFrame('sendBytes', data.subarray(offset, offset + length));
  }

  /**
   * Receives one message as bytes.
   * @param maxLength refuse (with FrameError, closing the connection) a message longer than this.
   * @throws EOFError when the peer has closed the connection.
   */
  *recvBytes(maxLength?: number): Operation<Buffer> {
    if (maxLength !== undefined && (typeof maxLength !== 'number' || !Number.isInteger(maxLength) || maxLength < 0)) {
      throw new RangeError(`recvBytes(): maxLength must be a non-negative integer, got ${describeValue(maxLength)}`);
    }
    return yield* this.readFrame('recvBytes', maxLength ?? this.frames.maxFrameSize);
  }

  /** Closes the connection. Messages already sent are still delivered. Safe to call more than once. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.transport.close();
  }

  /** `using conn = ...` closes the connection at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal Runs the server's half of the authentication handshake. */
  *_authenticateServer(key: Buffer): Operation<void> {
    yield* this.exclusive('accept', () => authenticateServer(this.frames, key, 'accept'));
  }

  /** @internal Runs the client's half of the authentication handshake. */
  *_authenticateClient(key: Buffer): Operation<void> {
    yield* this.exclusive('connect', () => authenticateClient(this.frames, key, 'connect'));
  }

  private *readFrame(operation: string, maxLength: number): Operation<Buffer> {
    this.checkOpen(operation);
    if (this.reading) throw new ReadResourceBusy(`${operation}(): another task is already receiving on this connection`);
    this.reading = true;
    try {
      return yield* this.frames.readFrame(operation, maxLength);
    } catch (error) {
      if (error instanceof FrameError) this.close();
      throw error;
    } finally {
      this.reading = false;
    }
  }

  private *writeFrame(operation: string, data: Uint8Array): Operation<void> {
    this.checkOpen(operation);
    if (this.writing) throw new WriteResourceBusy(`${operation}(): another task is already sending on this connection`);
    this.writing = true;
    try {
      yield* this.frames.writeFrame(operation, data);
    } finally {
      this.writing = false;
    }
  }

  /** Holds both directions for a handshake. */
  private *exclusive(operation: string, body: () => Operation<void>): Operation<void> {
    this.checkOpen(operation);
    this.reading = this.writing = true;
    try {
      yield* body();
    } finally {
      this.reading = this.writing = false;
    }
  }

  private checkOpen(operation: string): void {
    if (this.isClosed) throw new ChannelError(`${operation}(): the connection is closed`);
  }
}
