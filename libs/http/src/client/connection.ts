/**
 * One client connection: a socket and the {@link ResponseParser} reading what arrives on it,
 * with the reads a request needs (the response head, then body pieces), each under a
 * deadline so a server that goes quiet cannot hold the client forever.
 * @internal
 * @packageDocumentation
 */
import { TaskTimeout, timeoutAfter, type Operation } from '@curio/kernel';
import type { Socket } from '@curio/io';
import type { ParserLimits } from '../message-parser.js';
import { ResponseParser, type ResponseEvent } from './response-parser.js';

const READ_SIZE = 64 * 1024;

/** A step with the server took longer than its timeout allows; the message names the step and the timeout. @internal */
export class ClientTimeout extends Error {}

/** Runs `op`, failing with a ClientTimeout saying `problem` if it takes more than `ms` (Infinity: no limit). @internal */
export function* within<T>(ms: number, problem: string, op: Operation<T>): Operation<T> {
  try {
    return yield* timeoutAfter(ms === Infinity ? null : ms, op);
  } catch (e) {
    if (e instanceof TaskTimeout) throw new ClientTimeout(problem);
    throw e;
  }
}

/**
 * The server closed the connection (or reset it) before any byte of a response: on a
 * connection reused from the pool this is the server having closed it while it was idle,
 * and an idempotent request may be sent again on a new one. @internal
 */
export class ClosedBeforeResponse extends Error {
  constructor(cause?: unknown) {
    super('the server closed the connection before it responded', { cause });
  }
}

/** @internal */
export class ClientConnection {
  readonly parser: ResponseParser;
  /** How many responses this connection has carried to their end (0: a new connection). */
  served = 0;

  constructor(readonly sock: Socket, limits: ParserLimits) {
    this.parser = new ResponseParser(limits);
  }

  get isClosed(): boolean {
    return this.sock.closed;
  }

  /** Sends `pieces` in order; the server must take each within `timeout` ms. */
  *send(pieces: readonly Uint8Array[], timeout: number): Operation<void> {
    for (const piece of pieces) {
      if (piece.length > 0) yield* within(timeout, `the server took no request bytes for ${timeout} ms (bodyTimeout)`, this.sock.sendall(piece));
    }
  }

  /**
   * Reads up to the final response head (skipping interim 1xx ones), which must be all there
   * within `timeout` ms.
   * @throws ClosedBeforeResponse if the server closed before a byte of it
   */
  *readHead(timeout: number): Operation<ResponseEvent> {
    return yield* within(timeout, `no response within headersTimeout (${timeout} ms)`, this.head());
  }

  private *head(): Operation<ResponseEvent> {
    let received = false;
    for (;;) {
      const event = this.parser.next();
      if (event === null) {
        yield* this.receive(!received);
        received = true;
      } else if (event.type === 'response') {
        return event;
      }
      // Otherwise an interim 1xx response: the final one follows (data and end cannot come before a head).
    }
  }

  /** The next piece of the body, or the end event's trailers; the server must send something within `timeout` ms. */
  *readBody(timeout: number): Operation<Uint8Array | { trailers: [string, string][] }> {
    for (;;) {
      const event = this.parser.next();
      if (event === null) {
        yield* within(timeout, `the server sent nothing for ${timeout} ms (bodyTimeout)`, this.receive(false));
        continue;
      }
      if (event.type === 'data') return event.data;
      if (event.type === 'end') {
        this.served++;
        return { trailers: event.trailers };
      }
    }
  }

  /** Takes the end of a body known to be empty (no body, or Content-Length 0): it is in the parser already. */
  endEmptyBody(): void {
    if (this.parser.next()?.type !== 'end') throw new Error('endEmptyBody(): the body is not empty');
    this.served++;
  }

  /** Closes the socket (idempotent): the connection is never used again. */
  close(): void {
    this.sock.close();
  }

  /** Receives into the parser; `first` says no byte of the response has come yet (so a close now is a ClosedBeforeResponse). */
  private *receive(first: boolean): Operation<void> {
    let data: Buffer;
    try {
      data = yield* this.sock.recv(READ_SIZE);
    } catch (e) {
      if (first && this.parser.idle && isReset(e)) throw new ClosedBeforeResponse(e);
      throw e;
    }
    if (data.length > 0) {
      this.parser.feed(data);
      return;
    }
    if (first && this.parser.idle) throw new ClosedBeforeResponse();
    this.parser.end();
  }
}

/** A connection reset (the server closed with unread data, or went away). @internal */
export function isReset(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}
