/**
 * The listening side of a stream `Socket`: a `net.Server` whose incoming connections
 * wait in a queue, paused (nothing is read from them), until a task accepts them.
 * @internal
 */
import net from 'node:net';
import { ReadResourceBusy, SchedFIFO, type Operation, requireTask, traceTrap } from '@curio/kernel';
import { ioError, ioFailure } from '../io-error.js';
import { waitForEvent } from './wait-event.js';

/** @internal What the acceptor hands out: something that wraps a connected Node socket. */
export interface Closeable {
  close(): void;
}

/** @internal A listening net.Server driven by tasks. */
export class Acceptor<S extends Closeable> {
  readonly server: net.Server;
  private queue: S[] = [];
  private failure: unknown = null;
  private closed = false;
  private busy = false;
  private readonly waiters = new SchedFIFO();

  constructor(
    private readonly wrap: (raw: net.Socket) => S,
    private readonly where: string,
  ) {
    // allowHalfOpen: a peer's end of stream must not end our side (Python's semantics);
    // pauseOnConnect: queued connections read nothing until a task accepts and reads.
    this.server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    this.server.on('connection', this.onConnection);
    this.server.on('error', this.onError);
  }

  /** Starts listening; fails with the bind/listen error (EADDRINUSE, EACCES, ...). */
  *listen(options: net.ListenOptions): Operation<void> {
    const server = this.server;
    // Node binds asynchronously: the task waits for 'listening' (or the bind error).
    yield* waitForEvent('LISTEN_WAIT', server, {
      success: 'listening',
      onError: (error) => ioError('listen()', `on ${this.where}`, error),
      start: () => server.listen(options),
      abandon: () => server.close(),
    });
    this.failure = null;
  }

  /** Connections accepted by Node and not yet handed to a task. */
  get pending(): number {
    return this.queue.length;
  }

  /** Takes the next connection, waiting for one if none is queued. */
  *accept(): Operation<S> {
    requireTask('accept');
    if (this.busy) throw new ReadResourceBusy(`accept(): another task is already accepting on ${this.where}`);
    if (this.queue.length > 0) return this.queue.shift()!;
    this.busy = true;
    try {
      for (;;) {
        if (this.queue.length > 0) return this.queue.shift()!;
        if (this.closed) throw ioFailure('accept()', `on ${this.where}`, 'EBADF', 'the socket is closed');
        if (this.failure !== null) {
          const failure = this.failure;
          this.failure = null;
          throw ioError('accept()', `on ${this.where}`, failure);
        }
        yield traceTrap(this.waiters.trap('READ_WAIT'));
      }
    } finally {
      this.busy = false;
    }
  }

  /** Stops listening and closes the connections nobody accepted. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.close();
    for (const sock of this.queue) sock.close();
    this.queue = [];
    this.waiters.wake(Infinity);
  }

  private readonly onConnection = (raw: net.Socket): void => {
    const sock = this.wrap(raw);
    if (this.closed) {
      sock.close();
      return;
    }
    this.queue.push(sock);
    if (this.waiters.length > 0) this.waiters.wake();
  };

  private readonly onError = (error: unknown): void => {
    this.failure = error;
    this.waiters.wake(Infinity);
  };
}
