/**
 * Servers as a deployed program sees them: with diagnostics on (logcrash), a client handler
 * that fails is one pino record, not a stack printed into the JSON log; and onListening is
 * told where the server listens, typed, for TCP and for Unix sockets.
 */
import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { run, spawn, sleep, Event, logcrash, tcpServer, unixServer, openConnection, type Socket } from 'curio';

function* failingHandler(client: Socket): ReturnType<typeof failing> {
  yield* client.recv(10);
  return yield* failing();
}
function* failing() {
  yield* sleep(0);
  throw new Error('handler boom');
}

it("with logcrash on, a client handler's failure is a pino record (err serialised), and nothing on stderr", async () => {
  let text = '';
  const sink = new Writable({ write: (chunk: Buffer, _e, done) => ((text += chunk.toString()), done()) });
  const logger = pino({ base: {}, timestamp: false }, sink);
  const stderr = jest.spyOn(process.stderr, 'write');
  try {
    await run(function* () {
      const listening = new Event();
      let port = 0;
      const server = yield* spawn(tcpServer, '127.0.0.1', 0, failingHandler, {
        onListening: (_sock, address) => ((port = address.port), listening.set()),
      });
      yield* listening.wait();
      const conn = yield* openConnection('127.0.0.1', port);
      yield* conn.sendall(Buffer.from('go'));
      while (!text.includes('handler boom')) yield* sleep(5);
      conn.close();
      yield* server.cancel();
    }, { activations: [logcrash({ logger })] });
    expect(stderr).not.toHaveBeenCalled();
  } finally {
    stderr.mockRestore();
  }
  const records = text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(records).toHaveLength(1);
  expect(records[0]).toMatchObject({ level: 50, taskName: 'tcpServer client', err: { type: 'Error', message: 'handler boom' } });
});

it('onListening is told { host, port } for TCP (the real port for port 0) and { path } for a Unix socket; getsocknameInet() agrees', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'curio-listening-'));
  try {
    const out = await run(function* () {
      const seen: unknown[] = [];
      const done = new Event();
      const tcp = yield* spawn(tcpServer, '127.0.0.1', 0, function* () {}, {
        onListening: (sock, address) => {
          seen.push(address, sock.getsocknameInet());
          done.set();
        },
      });
      yield* done.wait();
      done.clear();
      const path = join(dir, 's.sock');
      const unix = yield* spawn(unixServer, path, function* () {}, {
        onListening: (sock, address) => {
          seen.push(address);
          try {
            sock.getsocknameInet();
          } catch (error) {
            seen.push(String(error));
          }
          done.set();
        },
      });
      yield* done.wait();
      yield* tcp.cancel();
      yield* unix.cancel();
      return { seen, path };
    });
    const [tcpAddress, inet, unixAddress, unixError] = out.seen as [{ host: string; port: number }, [string, number], { path: string }, string];
    expect(tcpAddress.host).toBe('127.0.0.1');
    expect(tcpAddress.port).toBeGreaterThan(0);
    expect(inet).toEqual([tcpAddress.host, tcpAddress.port]);
    expect(unixAddress).toEqual({ path: out.path });
    expect(unixError).toBe('TypeError: getsocknameInet(): this is a Unix socket, whose address is a path: use getsockname()');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
