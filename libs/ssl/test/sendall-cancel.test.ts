// A cancelled sendall on a TLS socket says how far it got (CancelledError.bytesSent), as
// on TCP: the peer, once it reads, gets exactly that prefix and then what is sent next.
import { readdirSync } from 'node:fs';
import { run, currentTask, timeoutAfter, spawn, Event, Result, TaskTimeout, type CancelledError } from '@curio/kernel';
import { openConnection, type Socket } from '@curio/io';
import { failureOf } from '../../../tools/jest/failure-of.js';
import { makePki, serverContext, clientContext, startServer, until, type Pki } from './pki.js';

let pki: Pki;
beforeAll(async () => {
  pki = await makePki();
});

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

describe('a cancelled sendall on a TLS socket', () => {
  it('carries bytesSent: the peer then reads exactly that prefix and the next send, and nothing leaks', async () => {
    const data = Buffer.alloc(32 * 1024 * 1024, 1);
    const out = await run(function* () {
      const kernel = (yield* currentTask()).kernel;
      const tasksBefore = kernel.tasks.size;
      const fdsBefore = openFds();
      // The server's handler reads nothing until `go` is set, then the prefix and 'END'.
      const go = new Event();
      let prefixLength = 0;
      const received = new Result<{ prefixIsOnes: boolean; next: string }>();
      const srv = yield* startServer(function* (client: Socket) {
        yield* go.wait();
        const stream = client.asStream();
        const prefix = yield* stream.readExactly(prefixLength);
        const next = (yield* stream.readExactly(3)).toString();
        received.setValue({ prefixIsOnes: prefix.every((b) => b === 1), next });
      }, { ssl: serverContext(pki.server) });
      const sock = yield* openConnection('127.0.0.1', srv.port, { ssl: clientContext(pki.ca), serverHostname: 'localhost' });
      const error = yield* failureOf(timeoutAfter(200, sock.sendall(data)));
      const bytesSent = (error as CancelledError).bytesSent!;
      prefixLength = bytesSent;
      // The stalled piece is still queued in Node: the next send goes out after it.
      const end = yield* spawn(() => sock.sendall('END'));
      go.set();
      const got = yield* received.unwrap();
      yield* end.join();
      sock.close();
      yield* srv.task.cancel();
      yield* until(() => kernel.tasks.size === tasksBefore);
      yield* until(() => openFds() <= fdsBefore);
      return {
        timedOut: error instanceof TaskTimeout, partial: bytesSent > 0 && bytesSent < data.length, ...got,
        leakedTasks: kernel.tasks.size - tasksBefore, leakedFds: Math.max(0, openFds() - fdsBefore),
      };
    });
    expect(out).toEqual({ timedOut: true, partial: true, prefixIsOnes: true, next: 'END', leakedTasks: 0, leakedFds: 0 });
  });
});
