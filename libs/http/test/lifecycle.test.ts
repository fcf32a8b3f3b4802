// What ends a handler or a server: a client that goes away, and the drain on cancellation;
// each counted (tasks, TCP handles) so nothing is left behind. And https with ALPN.
import net from 'node:net';
import https from 'node:https';
import { awaitPromise, CancelledError, run, sleep } from '@curio/kernel';
import { createCertificateAuthority, createDefaultContext, Purpose } from '@curio/ssl';
import { fetchHandler, serveHttp, type HttpHandler } from '../src/index.js';
import { eventually, GET, RawClient, startServer, tcpHandles, withoutDate, type Running } from './serve.js';

/** A handler for /sleep that sleeps 60 s and records how it ended, and answers anything else at once. */
function sleeper(ended: string[]): HttpHandler {
  return function* (req, res) {
    if (req.path === '/sleep') {
      try {
        yield* sleep(60_000);
      } catch (e) {
        ended.push(e instanceof CancelledError ? 'cancelled' : String(e));
        throw e;
      } finally {
        if (ended.length === 0) ended.push('finished');
      }
    }
    yield* res.send(200, 'ok');
  };
}

// Every test starts with no TCP handle open (what an earlier test closed is gone), so the
// counts at its end are its own.
beforeEach(() => eventually(() => tcpHandles() === 0));

function refused(port: number): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.on('connect', () => { sock.destroy(); resolve('connected'); });
    sock.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? String(e)));
  });
}

describe('a client that goes away', () => {
  it.each([
    ['closes its connection', (client: RawClient) => client.sock.end()],
    ['resets it', (client: RawClient) => client.sock.resetAndDestroy()],
  ])('cancels its handler at once when it %s, leaving no task and no socket', async (_how, leave) => {
    const ended: string[] = [];
    const server: Running = await startServer(sleeper(ended));
    const { kernel, stats, port } = server;
    await eventually(() => kernel.tasks.size === 3);
    const idleTasks = kernel.tasks.size; // main, serveHttp, its listener
    const client = await RawClient.connect(port);
    client.send(GET('/sleep'));
    // The connection's task, and its watcher once the handler blocks in its sleep.
    await eventually(() => stats.inFlight === 1 && kernel.tasks.size === idleTasks + 2);
    const during = kernel.tasks.size;
    leave(client);
    await eventually(() => ended.length > 0 && stats.connections === 0);
    expect(ended).toEqual(['cancelled']);
    await eventually(() => kernel.tasks.size === idleTasks);
    const after = kernel.tasks.size;
    await server.stop();
    await eventually(() => tcpHandles() === 0);
    // the connection and its watcher while the handler sleeps; none after
    expect({ idleTasks, during, after, inFlight: stats.inFlight, handles: tcpHandles(), crashes: server.crashes })
      .toEqual({ idleTasks: 3, during: 5, after: 3, inFlight: 0, handles: 0, crashes: [] });
  });

  it('does not cancel a handler whose client is still there, and serves the next request after it', async () => {
    const server = await startServer(function* (req, res) {
      if (req.path === '/slow') yield* sleep(50);
      yield* res.send(200, req.path);
    });
    try {
      const client = await RawClient.connect(server.port);
      client.send(GET('/slow') + GET('/next', 'Connection: close\r\n'));
      const reply = withoutDate(await client.untilClosed());
      expect(reply).toBe('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n/slowHTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\n/next');
    } finally {
      await server.stop();
    }
  });
});

describe('a kept-alive client that resets between requests', () => {
  it('closes its connection quietly: no line on stderr, no crash report', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const server = await startServer(function* (_req, res) { yield* res.send(200, 'ok'); });
    try {
      const client = await RawClient.connect(server.port);
      client.send(GET('/'));
      await client.waitFor(/ok$/);
      client.sock.resetAndDestroy();
      await eventually(() => server.stats.connections === 0);
      expect({ stderr: errors.mock.calls, crashes: server.crashes }).toEqual({ stderr: [], crashes: [] });
    } finally {
      errors.mockRestore();
      await server.stop();
    }
  });
});

describe('the watcher', () => {
  it('costs no task for handlers that never block: 100 requests on a kept-alive connection, one task', async () => {
    let created = 0;
    const server = await startServer(function* (_req, res) { yield* res.send(200, 'ok'); }, {}, [{ created: () => void created++ }]);
    try {
      const before = created;
      const client = await RawClient.connect(server.port);
      for (let i = 0; i < 100; i++) {
        client.send(GET('/'));
        await eventually(() => client.received.split('\r\n\r\nok').length === i + 2);
      }
      client.close();
      expect({ tasks: created - before, requests: server.stats.requests }).toEqual({ tasks: 1, requests: 100 });
    } finally {
      await server.stop();
    }
  });

  it('passes a request sent while the handler sleeps on to the parser, answered after it', async () => {
    const server = await startServer(function* (req, res) {
      if (req.path === '/slow') yield* sleep(100);
      yield* res.send(200, req.path);
    });
    try {
      const client = await RawClient.connect(server.port);
      client.send(GET('/slow'));
      await eventually(() => server.stats.inFlight === 1);
      await new Promise((resolve) => setTimeout(resolve, 20)); // the handler sleeps, the watcher reads
      client.send(GET('/next', 'Connection: close\r\n'));
      expect(withoutDate(await client.untilClosed())).toBe('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n/slowHTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\n/next');
      expect(server.stats.requests).toBe(2);
    } finally {
      await server.stop();
    }
  });

  it('leaves a handler reading the body to see the client go in its read, without a crash report', async () => {
    const outcomes: string[] = [];
    const server = await startServer(function* (req, res) {
      try {
        yield* req.body.readAll();
        outcomes.push('read');
      } catch (e) {
        outcomes.push(String(e));
        throw e;
      }
      yield* res.send(200);
    });
    try {
      const client = await RawClient.connect(server.port);
      client.send('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npart');
      await eventually(() => server.stats.inFlight === 1);
      client.sock.end();
      await eventually(() => server.stats.connections === 0);
      expect(outcomes).toEqual(['HttpParseError: the connection closed in the middle of a request (after 4 of its 100 body bytes)']);
      expect(server.crashes).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});

describe('cancelling serveHttp drains it', () => {
  it('stops listening, closes idle connections, lets a request in flight finish with Connection: close, then ends with nothing left', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    const server = await startServer(function* (req, res) {
      if (req.path === '/slow') yield* awaitPromise(released);
      yield* res.send(200, req.path);
    });
    const { port, stats, kernel } = server;
    const idle = await RawClient.connect(port);
    idle.send(GET('/quick'));
    await idle.waitFor(/\/quick$/);
    const busy = await RawClient.connect(port);
    busy.send(GET('/slow'));
    await eventually(() => stats.inFlight === 1);

    const stopped = server.stop();
    const idleReply = await idle.untilClosed();
    expect(await refused(port)).toBe('ECONNREFUSED');
    expect(busy.closed).toBe(false);
    release();
    const busyReply = withoutDate(await busy.untilClosed());
    await stopped;
    await eventually(() => tcpHandles() === 0);

    expect(withoutDate(idleReply)).toBe('HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n/quick');
    expect(busyReply).toBe('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\n/slow');
    expect({ tasks: kernel.tasks.size, connections: stats.connections, handles: tcpHandles() }).toEqual({ tasks: 0, connections: 0, handles: 0 });
  });

  it('cancels the requests still in flight after drainTimeout', async () => {
    const ended: string[] = [];
    const server = await startServer(sleeper(ended), { drainTimeout: 200 });
    const client = await RawClient.connect(server.port);
    client.send(GET('/sleep'));
    await eventually(() => server.stats.inFlight === 1);
    const t0 = performance.now();
    await server.stop();
    const took = performance.now() - t0;
    expect(await client.untilClosed()).toBe('');
    await eventually(() => tcpHandles() === 0);
    expect(ended).toEqual(['cancelled']);
    expect(took).toBeGreaterThanOrEqual(190);
    expect({ tasks: server.kernel.tasks.size, connections: server.stats.connections, handles: tcpHandles() }).toEqual({ tasks: 0, connections: 0, handles: 0 });
  });
});

describe('https', () => {
  /** A test CA and a server certificate for localhost, made now. */
  function* testPki() {
    const ca = yield* createCertificateAuthority({ commonName: 'Curio HTTP Test CA' });
    return { ca, server: yield* ca.issueCertificate({ commonName: 'localhost' }) };
  }

  /** A GET over https to `port` with Node's client (offering h2 first): the body and the protocol ALPN chose. */
  function httpsGet(port: number, ca: string, path: string): Promise<{ body: string; alpn: string | false | null }> {
    return new Promise((resolve, reject) => {
      const options = { host: '127.0.0.1', port, path, servername: 'localhost', ca, ALPNProtocols: ['h2', 'http/1.1'], agent: false };
      https.get(options as https.RequestOptions, (response) => {
        const chosen = (response.socket as import('node:tls').TLSSocket).alpnProtocol;
        let text = '';
        response.on('data', (piece: Buffer) => { text += piece.toString(); });
        response.on('end', () => resolve({ body: text, alpn: chosen }));
      }).on('error', reject);
    });
  }

  it('serves https through an @curio/ssl context, choosing ALPN http/1.1; the request says it is secure, and fetchHandler sees an https URL', async () => {
    const pki = await run(testPki);
    const ssl = createDefaultContext(Purpose.CLIENT_AUTH);
    ssl.loadCertChain(pki.server.cert, pki.server.key);
    const fetchStyle = fetchHandler((request) => new Response(`url ${request.url}`));
    const server = await startServer(function* (req, res) {
      if (req.path === '/fetch') return yield* fetchStyle(req, res);
      yield* res.send(200, `secure ${req.path} ${req.secure}`);
    }, { ssl });
    try {
      expect(await httpsGet(server.port, pki.ca.cert, '/x')).toEqual({ body: 'secure /x true', alpn: 'http/1.1' });
      expect(await httpsGet(server.port, pki.ca.cert, '/fetch')).toEqual({ body: `url https://127.0.0.1:${server.port}/fetch`, alpn: 'http/1.1' });
      expect(ssl.alpnProtocols).toEqual(['http/1.1']);
    } finally {
      await server.stop();
    }
  });

  it("keeps the context's own ALPN list when it offers http/1.1, and refuses one without it, naming the list", async () => {
    const pki = await run(testPki);
    const ssl = createDefaultContext(Purpose.CLIENT_AUTH);
    ssl.loadCertChain(pki.server.cert, pki.server.key);
    ssl.setAlpnProtocols(['x-custom', 'http/1.1']);
    const server = await startServer(function* (req, res) {
      yield* res.send(200, `secure ${req.path}`);
    }, { ssl });
    try {
      expect(await httpsGet(server.port, pki.ca.cert, '/kept')).toEqual({ body: 'secure /kept', alpn: 'http/1.1' });
      expect(ssl.alpnProtocols).toEqual(['x-custom', 'http/1.1']);
    } finally {
      await server.stop();
    }
    const h2Only = createDefaultContext(Purpose.CLIENT_AUTH);
    h2Only.setAlpnProtocols(['h2']);
    await expect(run(serveHttp('127.0.0.1', 0, function* (_req, res) { yield* res.send(200, 'never'); }, { ssl: h2Only }))).rejects.toThrow(`serveHttp(): the ssl context offers ALPN ["h2"], without 'http/1.1', the only protocol this server speaks`);
  });
});
