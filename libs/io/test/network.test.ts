import fs from 'node:fs';
import net from 'node:net';
import { format } from 'node:util';
import { run, spawn, sleep, TaskCancelled, type Operation, type Task } from '@curio/kernel';
import {
  tcpServer, unixServer, runServer, openConnection, openUnixConnection, tcpServerSocket, unixServerSocket,
  IOError, SHUT_WR, AF_INET, type Socket, type SocketAddress, type SslWrapper,
} from '../src/index.js';
import { tmpSocketPath, until, freePort } from './net-helpers.js';

/** An echo handler, as in the seed. */
function* echo(client: Socket): Operation<void> {
  for (;;) {
    const data = yield* client.recv(1000);
    if (!data.length) break;
    yield* client.sendall(data);
  }
}

/** Starts `tcpServer` on 127.0.0.1 port 0 in a task; returns the task and the port. */
function* startTcpServer(handler: (client: Socket, addr: SocketAddress) => Operation<unknown>, errors: unknown[] = []): Operation<[Task, number, () => Socket | null]> {
  let listening: Socket | null = null;
  const task = yield* spawn(tcpServer, '127.0.0.1', 0, handler, {
    onListening: (sock: Socket) => (listening = sock),
    onClientError: (error: unknown) => errors.push(error),
  });
  yield* until(() => listening !== null);
  const [, port] = listening!.getsockname() as [string, number];
  return [task, port, () => listening];
}

/** Sends `message` and reads back as many bytes. */
function* roundTrip(sock: Socket, message: string): Operation<string> {
  yield* sock.sendall(message);
  return (yield* sock.asStream().readExactly(Buffer.byteLength(message))).toString();
}

describe('tcpServer', () => {
  it('serves several clients at once, each in its own task', async () => {
    const replies = await run(function* () {
      const [server, port] = yield* startTcpServer(echo);
      const clients: Socket[] = [];
      for (let i = 0; i < 5; i++) clients.push(yield* openConnection('127.0.0.1', port));
      const tasks: Task<string>[] = [];
      for (const [i, c] of clients.entries()) tasks.push(yield* spawn(roundTrip, c, `client ${i} says hi`));
      const out: string[] = [];
      for (const t of tasks) out.push(yield* t.join());
      for (const c of clients) c.close();
      yield* server.cancel();
      return out;
    });
    expect(replies).toEqual([0, 1, 2, 3, 4].map((i) => `client ${i} says hi`));
  });

  it('survives a handler that throws: the error is reported, the client closed, the next client served', async () => {
    const out = await run(function* () {
      const errors: unknown[] = [];
      let calls = 0;
      const [server, port] = yield* startTcpServer(function* (client) {
        if (calls++ === 0) throw new Error('handler bug');
        yield* echo(client);
      }, errors);
      const first = yield* openConnection('127.0.0.1', port);
      const eof = yield* first.recv(10);
      first.close();
      const second = yield* openConnection('127.0.0.1', port);
      const reply = yield* roundTrip(second, 'still here');
      second.close();
      yield* server.cancel();
      return { eof: eof.length, reply, errors, serverException: server.exception };
    });
    expect(out.eof).toBe(0);
    expect(out.reply).toBe('still here');
    expect(out.errors).toEqual([new Error('handler bug')]);
    expect(out.serverException).toBeInstanceOf(TaskCancelled);
  });

  it('reports a client handler that is not a generator function', async () => {
    const errors = await run(function* () {
      const errs: unknown[] = [];
      const [server, port] = yield* startTcpServer((() => 42) as unknown as (c: Socket) => Operation<void>, errs);
      const c = yield* openConnection('127.0.0.1', port);
      yield* c.recv(1);
      c.close();
      yield* server.cancel();
      return errs;
    });
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toMatch(/must be a generator function/);
  });

  it('goes on serving when a client vanishes mid-stream', async () => {
    const out = await run(function* () {
      const errors: unknown[] = [];
      let handled = 0;
      const [server, port] = yield* startTcpServer(function* (client) {
        try {
          yield* echo(client);
        } finally {
          handled++;
        }
      }, errors);
      const vanishing = yield* openConnection('127.0.0.1', port);
      yield* roundTrip(vanishing, 'partial');
      yield* vanishing.sendall('unanswered');
      (vanishing.nodeSocket as net.Socket).resetAndDestroy();
      vanishing.close();
      yield* until(() => handled === 1);
      const steady = yield* openConnection('127.0.0.1', port);
      const reply = yield* roundTrip(steady, 'after the reset');
      steady.close();
      yield* server.cancel();
      return { reply, errors };
    });
    expect(out.reply).toBe('after the reset');
    // The reset reaches the vanished client's handler as an error, reported, not raised.
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]).toMatchObject({ code: expect.stringMatching(/^(ECONNRESET|EPIPE)$/) });
  });

  it('cancelling the server stops accepting and cancels its clients, waiting for their cleanup', async () => {
    const out = await run(function* () {
      const events: string[] = [];
      const [server, port, listening] = yield* startTcpServer(function* (client) {
        try {
          yield* echo(client);
        } catch (e) {
          events.push(e instanceof TaskCancelled ? 'client cancelled' : 'client failed');
          throw e;
        } finally {
          yield* sleep(5);
          events.push('client cleanup done');
        }
      });
      const clients = [yield* openConnection('127.0.0.1', port), yield* openConnection('127.0.0.1', port)];
      for (const c of clients) yield* roundTrip(c, 'ping');
      const raw = listening()!.nodeSocket as net.Server;
      yield* server.cancel();
      events.push('server cancelled');
      const eofs: number[] = [];
      for (const c of clients) eofs.push((yield* c.recv(10)).length);
      for (const c of clients) c.close();
      let refused: unknown = null;
      try {
        (yield* openConnection('127.0.0.1', port)).close();
      } catch (e) {
        refused = e;
      }
      return { events, eofs, refused, listening: raw.listening, closed: listening()!.closed };
    });
    expect(out.events).toEqual(['client cancelled', 'client cancelled', 'client cleanup done', 'client cleanup done', 'server cancelled']);
    expect(out.eofs).toEqual([0, 0]);
    expect(out.refused).toMatchObject({ code: 'ECONNREFUSED' });
    expect(out.listening).toBe(false);
    expect(out.closed).toBe(true);
  });

  it('fails at once with EADDRINUSE when the port is taken', async () => {
    const err = await run(function* () {
      const taken = yield* tcpServerSocket('127.0.0.1', 0);
      const [, port] = taken.getsockname() as [string, number];
      try {
        yield* tcpServer('127.0.0.1', port, echo);
        return null;
      } catch (e) {
        return e;
      } finally {
        taken.close();
      }
    });
    expect(err).toBeInstanceOf(IOError);
    expect(err).toMatchObject({ code: 'EADDRINUSE' });
  });

  it('checks its arguments', async () => {
    const errors = await run(function* () {
      const out: string[] = [];
      const attempts = [
        () => tcpServer('127.0.0.1', 0, 'nope' as unknown as typeof echo),
        () => tcpServer('127.0.0.1', 0, echo, { ssl: {} as SslWrapper }),
        () => openConnection('127.0.0.1', 1, { serverHostname: 'x' }),
        () => openConnection('', 1),
      ];
      for (const op of attempts) {
        try {
          yield* op();
        } catch (e) {
          out.push((e as Error).message);
        }
      }
      return out;
    });
    expect(errors).toEqual([
      expect.stringMatching(/tcpServer\(\): the client handler must be a generator function/),
      expect.stringMatching(/tcpServer\(\): ssl must be an SSL context from @curio\/ssl/),
      expect.stringMatching(/openConnection\(\): serverHostname only applies with ssl/),
      expect.stringMatching(/openConnection\(\): host must be a non-empty string/),
    ]);
  });
});

describe("the servers' default onClientError", () => {
  /** Runs `body` with console.error captured; returns what it printed, one string per call. */
  function* capturingStderr<T>(body: () => Operation<T>): Operation<[T, string[]]> {
    const printed: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void printed.push(format(...args)));
    try {
      return [yield* body(), printed];
    } finally {
      spy.mockRestore();
    }
  }

  it('prints one line for a routine peer reset and the stack for a real failure', async () => {
    const [, printed] = await run(() =>
      capturingStderr(function* () {
        let listening: Socket | null = null;
        let handled = 0;
        const server = yield* spawn(tcpServer, '127.0.0.1', 0, function* (client: Socket) {
          try {
            const first = yield* client.recv(100);
            if (first.toString() === 'fail') throw new Error('the handler broke');
            // Waits for more: the client resets the connection instead.
            yield* client.recv(100);
          } finally {
            handled++;
          }
        }, { onListening: (sock: Socket) => (listening = sock) });
        yield* until(() => listening !== null);
        const [, port] = listening!.getsockname() as [string, number];
        // A client that resets (RST) while the handler reads: ECONNRESET.
        const resetter = net.connect({ host: '127.0.0.1', port });
        resetter.on('error', () => {});
        resetter.write('hello', () => setTimeout(() => resetter.resetAndDestroy(), 50));
        yield* until(() => handled === 1);
        // A client whose handler fails for real.
        const failing = net.connect({ host: '127.0.0.1', port });
        failing.on('error', () => {});
        failing.write('fail');
        yield* until(() => handled === 2);
        failing.destroy();
        yield* server.cancel();
      }),
    );
    expect(printed).toHaveLength(2);
    const [reset, failure] = printed;
    expect(reset).toMatch(/^tcpServer: client 127\.0\.0\.1:\d+ went away: ECONNRESET\b/);
    expect(reset).not.toContain('\n');
    expect(failure).toMatch(/^tcpServer: the handler for client 127\.0\.0\.1:\d+ failed:/);
    expect(failure).toContain('the handler broke');
    expect(failure).toMatch(/\n\s+at /);
  });
});

describe('runServer', () => {
  it('runs the seed form runServer(host, port, handler) until cancelled', async () => {
    const reply = await run(function* () {
      let listening: Socket | null = null;
      const server = yield* spawn(function* () {
        yield* runServer('127.0.0.1', 0, echo, { onListening: (s) => (listening = s) });
      });
      yield* until(() => listening !== null);
      const [, port] = listening!.getsockname() as [string, number];
      const c = yield* openConnection('127.0.0.1', port);
      const r = yield* roundTrip(c, 'seed form');
      c.close();
      yield* server.cancel();
      return r;
    });
    expect(reply).toBe('seed form');
  });

  it('serves an already listening socket and closes it when cancelled', async () => {
    const out = await run(function* () {
      const sock = yield* tcpServerSocket('127.0.0.1', 0, { backlog: 10 });
      const [, port] = sock.getsockname() as [string, number];
      const server = yield* spawn(runServer, sock, echo);
      const c = yield* openConnection('127.0.0.1', port);
      const r = yield* roundTrip(c, 'socket form');
      c.close();
      yield* server.cancel();
      return { r, closed: sock.closed };
    });
    expect(out).toEqual({ r: 'socket form', closed: true });
  });
});

describe('openConnection', () => {
  it('connects by address and by host name (localhost)', async () => {
    const out = await run(function* () {
      const [server, port] = yield* startTcpServer(echo);
      const byAddress = yield* openConnection('127.0.0.1', port);
      const byName = yield* openConnection('localhost', port);
      const a = yield* roundTrip(byAddress, 'by address');
      const b = yield* roundTrip(byName, 'by name');
      const peer = byName.getpeername();
      byAddress.close();
      byName.close();
      yield* server.cancel();
      return { a, b, peer, family: byAddress.family };
    });
    expect(out.a).toBe('by address');
    expect(out.b).toBe('by name');
    expect((out.peer as [string, number])[1]).toBeGreaterThan(0);
    expect(out.family).toBe(AF_INET);
  });

  it('connects from a given source address', async () => {
    const out = await run(function* () {
      const [server, port] = yield* startTcpServer(echo);
      const c = yield* openConnection('127.0.0.1', port, { sourceAddr: ['127.0.0.1', 0] });
      const name = c.getsockname();
      c.close();
      yield* server.cancel();
      return name;
    });
    expect((out as [string, number])[0]).toBe('127.0.0.1');
  });

  it('fails with ECONNREFUSED when nothing listens', async () => {
    const port = await freePort();
    const err = await run(function* () {
      try {
        yield* openConnection('127.0.0.1', port);
        return null;
      } catch (e) {
        return e;
      }
    });
    expect(err).toBeInstanceOf(IOError);
    expect(err).toMatchObject({ code: 'ECONNREFUSED', message: expect.stringContaining(`127.0.0.1:${port}`) });
  });
});

describe('Unix servers and connections', () => {
  it('unixServer serves clients from openUnixConnection; its socket file is gone once it stops', async () => {
    const path = tmpSocketPath();
    const out = await run(function* () {
      let listening: Socket | null = null;
      const server = yield* spawn(unixServer, path, echo, { onListening: (s: Socket) => (listening = s) });
      yield* until(() => listening !== null);
      const name = listening!.getsockname();
      const c = yield* openUnixConnection(path);
      const reply = yield* roundTrip(c, 'unix hello');
      c.shutdown(SHUT_WR);
      const end = yield* c.recv(10);
      c.close();
      yield* server.cancel();
      return { reply, end: end.length, name };
    });
    expect(out).toEqual({ reply: 'unix hello', end: 0, name: path });
    expect(fs.existsSync(path)).toBe(false);
  });

  it('unixServerSocket fails with EADDRINUSE on a path in use; openUnixConnection with ENOENT on a missing one', async () => {
    const path = tmpSocketPath();
    const out = await run(function* () {
      const first = yield* unixServerSocket(path);
      let inUse: unknown = null;
      try {
        yield* unixServerSocket(path);
      } catch (e) {
        inUse = e;
      }
      first.close();
      let missing: unknown = null;
      try {
        yield* openUnixConnection(`${path}.missing`);
      } catch (e) {
        missing = e;
      }
      return { inUse, missing };
    });
    expect(out.inUse).toMatchObject({ code: 'EADDRINUSE' });
    expect(out.missing).toMatchObject({ code: 'ENOENT' });
  });
});
