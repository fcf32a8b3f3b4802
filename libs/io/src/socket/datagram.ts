/**
 * The UDP side of a `Socket`: a `dgram` socket whose received datagrams wait in a
 * bounded queue for `recvfrom`, and whose sends report their errors to the sender.
 * @internal
 */
import dgram from 'node:dgram';
import { ReadResourceBusy, SchedFIFO, park, type Operation, requireTask, traceTrap } from '@curio/kernel';
import { inetAddress, formatAddress, type InetAddress } from '../address.js';
import { ioError, ioFailure } from '../io-error.js';
import type { BytesLike } from './writer.js';
import { waitForEvent } from './wait-event.js';

/** Datagrams held for `recvfrom` before new ones are dropped (as a full kernel buffer would). */
const MAX_QUEUED = 1024;

/** Options applied to the dgram socket once it is bound. */
export interface DatagramOptions {
  reuseAddr: boolean;
  broadcast: boolean | null;
  recvBufferSize: number | null;
  sendBufferSize: number | null;
}

/** @internal A dgram socket driven by tasks. */
export class DatagramPort {
  readonly sock: dgram.Socket;
  bound = false;
  connected = false;
  private queue: Array<[Buffer, InetAddress]> = [];
  private head = 0;
  private failure: unknown = null;
  private closed = false;
  private busy = false;
  private readonly waiters = new SchedFIFO();

  constructor(
    type: 'udp4' | 'udp6',
    private readonly options: DatagramOptions,
  ) {
    this.sock = dgram.createSocket({ type, reuseAddr: options.reuseAddr });
    this.sock.on('message', this.onMessage);
    this.sock.on('error', this.onError);
  }

  /** Binds to `host:port`; fails with the bind error (EADDRINUSE, ...). */
  *bind(host: string, port: number): Operation<void> {
    const sock = this.sock;
    const where = `to ${formatAddress([host, port])}`;
    yield* waitForEvent('BIND_WAIT', sock, {
      success: 'listening',
      onError: (error) => ioError('bind()', where, error),
      onClose: () => ioFailure('bind()', where, 'EBADF', 'the socket was closed while binding'),
      start: () => sock.bind({ address: host, port, exclusive: true }),
    });
    // The bind's own error was reported to the binder, not to later reads.
    this.failure = null;
    this.bound = true;
    this.applyOptions();
  }

  /** Sets the default destination (UDP `connect`); binds an ephemeral port if needed. */
  *connect(host: string, port: number): Operation<void> {
    const sock = this.sock;
    const where = `to ${formatAddress([host, port])}`;
    yield* park<void>('WRITE_WAIT', (waker) => {
      const onClose = (): void => waker.fail(ioFailure('connect()', where, 'EBADF', 'the socket was closed while connecting'));
      sock.once('close', onClose);
      sock.connect(port, host, (error?: Error) => {
        sock.off('close', onClose);
        if (error) waker.fail(ioError('connect()', where, error));
        else waker.wake();
      });
      return () => sock.off('close', onClose);
    });
    this.failure = null;
    this.bound = this.connected = true;
    this.applyOptions();
  }

  /** Receives one datagram (truncated to `n` bytes) and its sender. */
  *recvfrom(n: number, operation: string): Operation<[Buffer, InetAddress]> {
    requireTask(operation);
    if (this.busy) throw new ReadResourceBusy(`${operation}(): another task is already reading from this socket`);
    if (!this.bound && !this.closed) throw ioFailure(`${operation}()`, '', 'EINVAL', 'the datagram socket is not bound (bind, connect or sendto first)');
    if (this.head < this.queue.length) return this.take(n);
    this.busy = true;
    try {
      for (;;) {
        if (this.head < this.queue.length) return this.take(n);
        this.check(operation);
        yield traceTrap(this.waiters.trap('READ_WAIT'));
      }
    } finally {
      this.busy = false;
    }
  }

  /** Sends one datagram to `to` (or, when connected, to the peer); returns its length. */
  *send(data: BytesLike, to: [string, number] | null, operation: string): Operation<number> {
    if (this.closed) throw ioFailure(`${operation}()`, '', 'EBADF', 'the socket is closed');
    const sock = this.sock;
    const where = to === null ? '' : `to ${formatAddress(to)}`;
    const sent = yield* park<number>('WRITE_WAIT', (waker) => {
      const onClose = (): void => waker.fail(ioFailure(`${operation}()`, where, 'EBADF', 'the socket was closed while sending'));
      const done = (error: Error | null, bytes: number): void => {
        sock.off('close', onClose);
        if (error) waker.fail(ioError(`${operation}()`, where, error));
        else waker.wake(bytes);
      };
      sock.once('close', onClose);
      if (to === null) sock.send(data, done);
      else sock.send(data, to[1], to[0], done);
      return () => sock.off('close', onClose);
    });
    this.bound = true;
    return sent;
  }

  /** The local `[host, port]` once bound. */
  address(): InetAddress {
    const a = this.sock.address();
    return inetAddress(a.address, a.port);
  }

  /** The connected peer's `[host, port]`. */
  remoteAddress(): InetAddress {
    const a = this.sock.remoteAddress();
    return inetAddress(a.address, a.port);
  }

  /** Applies the recorded options a bound socket accepts. */
  applyOptions(): void {
    if (!this.bound || this.closed) return;
    const o = this.options;
    if (o.broadcast !== null) this.sock.setBroadcast(o.broadcast);
    if (o.recvBufferSize !== null) this.sock.setRecvBufferSize(o.recvBufferSize);
    if (o.sendBufferSize !== null) this.sock.setSendBufferSize(o.sendBufferSize);
  }

  /** Closes the dgram socket; a waiting read fails with EBADF. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.head = 0;
    this.sock.close();
    this.waiters.wake(Infinity);
  }

  private readonly onMessage = (msg: Buffer, rinfo: dgram.RemoteInfo): void => {
    if (this.queue.length - this.head >= MAX_QUEUED) return;
    this.queue.push([msg, [rinfo.address, rinfo.port]]);
    if (this.waiters.length > 0) this.waiters.wake();
  };

  private readonly onError = (error: unknown): void => {
    this.failure = error;
    this.waiters.wake(Infinity);
  };

  private take(n: number): [Buffer, InetAddress] {
    const item = this.queue[this.head++];
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    return item[0].length > n ? [item[0].subarray(0, n), item[1]] : item;
  }

  private check(operation: string): void {
    if (this.closed) throw ioFailure(`${operation}()`, '', 'EBADF', 'the socket is closed');
    const failure = this.failure;
    if (failure !== null) {
      // Datagram errors (an ICMP error on a connected socket) are reported once.
      this.failure = null;
      throw ioError(`${operation}()`, '', failure);
    }
  }
}
