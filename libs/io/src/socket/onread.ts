/**
 * Reads of TCP and Unix stream sockets through Node's `onread` socket option instead of
 * the `'data'` event.
 *
 * Node's default read path allocates a 64 KiB block per read, shrinks it to what was
 * read, wraps it in an ArrayBuffer (freed by the garbage collector, through `free`)
 * and pushes it through the Readable stream machinery to the `'data'` listeners. With
 * `onread`, libuv reads into a buffer we give it and Node calls our callback with the
 * byte count; we copy the bytes into a Buffer of their size (from Node's pool for small
 * reads) and hand it to the socket's {@link NodeReader}. On the echo server at 1,000
 * connections that is ~5,000 fewer instructions per round trip (13,864 to ~8,900,
 * callgrind) and 8-15% more round trips per second.
 *
 * Every socket shares one receive buffer: libuv calls the callback right after each
 * read (one thread), and the callback copies the bytes out before the next read of any
 * socket can land in it. A socket that receives in bulk (a read of 16 KiB or more) gets
 * a buffer of its own for its next read instead, handed out without a copy, as Node's
 * own reads are: copying every 64 KiB read cost bulk transfers ~15% of their speed.
 *
 * Node takes `onread` only when it constructs a socket. A connection `net.Server`
 * accepted comes already constructed (paused, as the acceptor asks, so nothing was
 * read), so {@link takeOverAccepted} moves its handle into a socket of our own. That
 * uses `socket._handle` (node-handle.ts); if it is missing the accepted socket is used as
 * it is, reading through `'data'`.
 *
 * The sockets stay plain `net.Socket`s, with a {@link ReadFeed} beside each. (A
 * subclass holding the reader itself saved the feed, but its objects' shapes, seen by
 * Node's own `_handle` getter during construction, made that getter's property load
 * megamorphic: ~190 instructions more per echo round trip.)
 *
 * A socket whose reader is detached (to layer TLS over it, or to hand it back to plain
 * Node use) keeps working as a Node stream: the callback then pushes what it reads into
 * the stream, as Node's own read path does, so `'data'`, `pause()` and `read()` behave
 * as usual.
 * @packageDocumentation
 * @internal
 */
import { Buffer } from 'node:buffer';
import net from 'node:net';
import { handleOf, moveServerCount, releaseHandle } from './node-handle.js';

/** What a socket reading through `onread` hands its bytes to while a reader owns it. */
export interface ReadSink {
  /** Takes one read's bytes (a Buffer of their own, not a view of the shared buffer). */
  _received(chunk: Buffer): void;
}

/**
 * Node's `onread` socket option (typed by @types/node only for `connect()`; the
 * constructor takes it since Node 12). Node calls `callback` after each read, and
 * `buffer` (as a plain function) for the socket's first read and right after each
 * `callback`: a buffer it returns is the next read's, undefined keeps the current one.
 */
interface OnRead {
  buffer: () => Buffer | undefined;
  callback: (bytes: number, buffer: Uint8Array) => boolean;
}

/** Socket constructor options with `onread`, and the `handle` of an accepted connection. */
type FeedSocketOptions = net.SocketConstructorOpts & { onread: OnRead; handle?: object; pauseOnCreate?: boolean };

/** The size of a receive buffer, that of Node's own reads. */
const RECEIVE_BUFFER_SIZE = 64 * 1024;
/** The receive buffer sockets share while they receive little at a time. */
const SHARED_RECEIVE_BUFFER = Buffer.allocUnsafe(RECEIVE_BUFFER_SIZE);
/** Where the shared buffer's bytes live, for views of it made without reading its properties. */
const SHARED_BYTES = SHARED_RECEIVE_BUFFER.buffer;
const SHARED_OFFSET = SHARED_RECEIVE_BUFFER.byteOffset;
/**
 * `Uint8Array.prototype.set`, called through `.call`: V8 11's optimized code reads
 * `set`, `buffer` and `byteOffset` off a Buffer with generic (uncached) property loads,
 * ~450 instructions per read in all.
 */
const typedArraySet = Uint8Array.prototype.set;
/** A read this large suggests more will follow: the next one gets a buffer of its own. */
const BULK_READ = 16 * 1024;

/**
 * What the read a feed just handled chose for its socket's next read: a new buffer, or
 * undefined to keep the one it has (Node then skips re-registering it). Otherwise, for
 * a socket's first read, the shared buffer.
 */
let chosenBuffer: Buffer | undefined = SHARED_RECEIVE_BUFFER;

/** `onread.buffer`, shared by every socket: Node calls it right after the socket's callback. */
function nextReceiveBuffer(): Buffer | undefined {
  const chosen = chosenBuffer;
  chosenBuffer = SHARED_RECEIVE_BUFFER;
  return chosen;
}

/**
 * @internal Where one socket's reads go: to `sink` while set, otherwise pushed into the
 * Node stream itself.
 */
export class ReadFeed {
  sink: ReadSink | null = null;
  /** The socket this feed reads for (set once the socket is constructed). */
  stream: net.Socket | null = null;
  /** The socket's own receive buffer while it receives in bulk; null: it uses the shared one. */
  own: Buffer | null = null;

  /**
   * The `onread` option that delivers this socket's reads here. The callback is one
   * shared function bound to this feed: a read touches the bound function and the feed,
   * a socket costs these two small objects, and every socket shares the function's type
   * feedback.
   */
  options(): OnRead {
    return { buffer: nextReceiveBuffer, callback: feedRead.bind(this) };
  }
}

/** One read's `bytes` in `buffer`, for `feed`. Returning false pauses the socket, as `push` does. */
function feedRead(this: ReadFeed, bytes: number, buffer: Uint8Array): boolean {
  let chunk: Buffer;
  let next: Buffer | undefined;
  const own = this.own;
  if (buffer === own && bytes >= BULK_READ) {
    // The socket's own buffer: the bytes are handed out as they are, the next read gets a new one.
    chunk = own.subarray(0, bytes);
    next = this.own = Buffer.allocUnsafe(RECEIVE_BUFFER_SIZE);
  } else {
    // A Buffer of its own: the one read into is overwritten by the next read.
    chunk = Buffer.allocUnsafe(bytes);
    // Small reads land in the shared buffer (see typedArraySet); a view made from constants, not Buffer's subarray.
    typedArraySet.call(chunk, buffer === SHARED_RECEIVE_BUFFER ? new Uint8Array(SHARED_BYTES, SHARED_OFFSET, bytes) : buffer.subarray(0, bytes));
    if (bytes >= BULK_READ) {
      // Reading in bulk: the next read gets a buffer of its own.
      next = this.own = Buffer.allocUnsafe(RECEIVE_BUFFER_SIZE);
    } else if (own !== null) {
      // Back to small reads: back to the shared buffer.
      this.own = null;
      next = SHARED_RECEIVE_BUFFER;
    }
  }
  const sink = this.sink;
  // The stream is set as soon as the socket is constructed, before any read.
  const more = sink !== null ? (sink._received(chunk), true) : this.stream!.push(chunk);
  // Chosen last: the sink runs tasks, which may use other sockets (never reading from
  // them: Node reads only from its event loop).
  chosenBuffer = next;
  return more;
}

/**
 * @internal A new, unconnected TCP or Unix socket that reads through `feed`.
 * `allowHalfOpen`: a peer's end of stream must not end our side (Python's semantics).
 */
export function feedSocket(feed: ReadFeed): net.Socket {
  return socketFeeding(feed, {});
}

/** A `net.Socket` made with `options` that reads through `feed`. */
function socketFeeding(feed: ReadFeed, options: { handle?: object; pauseOnCreate?: boolean }): net.Socket {
  const full: FeedSocketOptions = { ...options, allowHalfOpen: true, onread: feed.options() };
  const raw = new net.Socket(full);
  feed.stream = raw;
  return raw;
}

/**
 * @internal Moves a just-accepted (paused, unread) connection into a socket of our own
 * that reads through `feed`. The `net.Server` counts ours as the connection from then on
 * (`getConnections`, and its `'close'` waiting for open connections), and Node's socket
 * object is destroyed and let go at once: kept, it was ~1.1 KB of heap per connection.
 * Returns `accepted` itself (reading through `'data'`) if the handle cannot be moved.
 */
export function takeOverAccepted(accepted: net.Socket, feed: ReadFeed): net.Socket {
  const handle = handleOf(accepted);
  if (handle === null || typeof handle.readStart !== 'function') return accepted;
  releaseHandle(accepted);
  const raw = socketFeeding(feed, { handle, pauseOnCreate: true });
  // Without a handle, destroy() closes nothing; without its server it counts nothing down.
  if (moveServerCount(accepted, raw)) accepted.destroy();
  else raw.once('close', () => accepted.destroy());
  return raw;
}
