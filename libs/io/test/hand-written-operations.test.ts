/**
 * recv/sendall (read/write) are hand-written operations, not function*s (io's
 * StreamOperation, with the semantics of the kernel's HandWrittenOperation). These tests
 * hold them to a generator's semantics.
 */
import { run, spawn, sleep, timeoutAfter, TaskTimeout, ReadResourceBusy } from '@curio/kernel';
import { tcpPair } from './net-helpers.js';
import { failureOf } from '../../../tools/jest/failure-of.js';

describe('hand-written operations behave like generators', () => {
  it('do nothing until iterated: an operation made and dropped holds no reader or writer', async () => {
    const got = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      void peer.recv(10); // made, never waited on
      void client.sendall('never sent');
      yield* client.sendall('sent');
      const data = yield* peer.recv(100);
      for (const s of [client, peer, server]) s.close();
      return data.toString();
    });
    expect(got).toBe('sent');
  });

  it('report done (and do nothing) when resumed again after they finished', async () => {
    const got = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      yield* client.sendall('ab');
      yield* sleep(20);
      const op = peer.recv(1);
      const first = yield* op;
      const again = op.next();
      const rest = yield* peer.recv(10);
      for (const s of [client, peer, server]) s.close();
      return { first: first.toString(), again, rest: rest.toString() };
    });
    expect(got).toEqual({ first: 'a', again: { value: undefined, done: true }, rest: 'b' });
  });

  it('release the reader when return() closes a waiting read, as a generator finally would', async () => {
    const got = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      const op = peer.recv(10);
      const first = op.next(); // starts waiting: the reader is busy
      const busy = yield* failureOf(peer.recv(10));
      const closed = op.return(Buffer.from('x'));
      yield* client.sendall('later');
      const data = yield* peer.recv(10);
      for (const s of [client, peer, server]) s.close();
      return { waited: first.done, busy: busy instanceof ReadResourceBusy, closed: closed.done, data: data.toString() };
    });
    expect(got).toEqual({ waited: false, busy: true, closed: true, data: 'later' });
  });

  it('a recv that times out leaves the socket readable, and a write error ends only its own operation', async () => {
    const got = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      const timedOut = yield* failureOf(timeoutAfter(20, peer.recv(10)));
      yield* client.sendall('after timeout');
      const data = yield* peer.recv(100);
      client.close();
      const failed = yield* failureOf(client.sendall('closed'));
      const reader = yield* spawn(function* () {
        return (yield* peer.recv(10)).length;
      });
      const eof = yield* reader.join();
      peer.close();
      server.close();
      return { timedOut: timedOut instanceof TaskTimeout, data: data.toString(), failed: (failed as NodeJS.ErrnoException).code, eof };
    });
    expect(got).toEqual({ timedOut: true, data: 'after timeout', failed: 'EBADF', eof: 0 });
  });
});
