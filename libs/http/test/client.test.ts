// The client against Node's own HTTP stack (node:http servers on 127.0.0.1): framings both
// ways, keep-alive reuse counted on the server, the errors a misbehaving server gets, and
// cancellation counted in tasks, sockets and timers.
import { Kernel, run, spawn, sleep, timeoutAfter, TaskTimeout, Event, type Operation } from '@curio/kernel';
import { HttpClient, HttpClientError, request, type BodyStream } from '../src/index.js';
import { nodeServer, readRequestBody, settle, steady, tcpHandles, timers, type NodeServer } from './client-servers.js';

let server: NodeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The server echoes the method, target, framing headers and body of each request. */
async function echoServer(): Promise<NodeServer> {
  return nodeServer((req, res) => {
    void readRequestBody(req).then((body) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, url: req.url, host: req.headers.host, length: req.headers['content-length'], te: req.headers['transfer-encoding'], connection: req.headers.connection, body: body.toString('utf8') }));
    });
  });
}

describe('request() and HttpClient against node:http', () => {
  it('sends a GET with the Host from the URL and reads status, reason, headers and a Content-Length body', async () => {
    server = await echoServer();
    const url = `${server.url}/a/b?c=1`;
    const got = await run(function* () {
      const res = yield* request('GET', url, { headers: { 'x-test': 'yes' } });
      return { status: res.status, reason: res.reason, ok: res.ok, type: res.headers.get('content-type'), body: yield* res.body.json() };
    });
    expect(got).toEqual({ status: 200, reason: 'OK', ok: true, type: 'application/json', body: { method: 'GET', url: '/a/b?c=1', host: `127.0.0.1:${server.port}`, connection: 'close', body: '' } });
    // request()'s connection is its own: closed once the body has been read.
    await server.openAtMost(0);
    expect(server.accepted).toBe(1);
  });

  it('sends a string or bytes body with its Content-Length, and a generator or BodyStream body chunked', async () => {
    server = await echoServer();
    const url = `${server.url}/echo`;
    const got = await run(function* () {
      const client = new HttpClient();
      const text = yield* (yield* client.request('POST', url, { body: 'héllo' })).body.json();
      const bytes = yield* (yield* client.request('PUT', url, { body: Uint8Array.of(0x61, 0x62) })).body.json();
      const lines = yield* (yield* client.request('POST', url, { body: (function* () { for (let i = 0; i < 3; i++) yield `line ${i}\n`; })() })).body.json();
      let n = 0;
      const slow: BodyStream = { *read() { if (n === 2) return null; yield* sleep(5); return new TextEncoder().encode(`tick ${n++};`); } };
      const ticks = yield* (yield* client.request('POST', url, { body: slow })).body.json();
      yield* client.close();
      return [text, bytes, lines, ticks];
    });
    expect(got.map((r) => { const { length, te, body } = r as { length?: string; te?: string; body: string }; return { length, te, body }; })).toEqual([
      { length: '6', te: undefined, body: 'héllo' },
      { length: '2', te: undefined, body: 'ab' },
      { length: undefined, te: 'chunked', body: 'line 0\nline 1\nline 2\n' },
      { length: undefined, te: 'chunked', body: 'tick 0;tick 1;' },
    ]);
  });

  it('reads a chunked response with trailers, and streams a response body piece by piece as the server sends it', async () => {
    const more = new Event();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => { release = resolve; });
    server = await nodeServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', trailer: 'x-sum' });
      res.write('first;');
      void gate.then(() => {
        res.write('second;');
        res.addTrailers({ 'x-sum': '13' });
        res.end();
      });
    });
    const url = server.url;
    const got = await run(function* () {
      const res = yield* request('GET', url);
      const first = Buffer.from((yield* res.body.read())!).toString();
      // The server holds the rest back until the client has the first piece: the body streams.
      release();
      more.set();
      const rest = yield* res.body.text();
      return { first, rest, chunked: res.headers.get('transfer-encoding'), trailer: res.trailers.get('x-sum') };
    });
    expect(got).toEqual({ first: 'first;', rest: 'second;', chunked: 'chunked', trailer: '13' });
  });

  it('names the problem when the server closes in the middle of a body, and when it closes without answering', async () => {
    server = await nodeServer((req, res) => {
      if (req.url === '/cut') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('0123456789', () => res.socket?.destroy());
      } else {
        req.socket.destroy();
      }
    });
    const url = server.url;
    const errors = await run(function* () {
      const caught: string[] = [];
      const res = yield* request('GET', `${url}/cut`);
      try { yield* res.body.readAll(); } catch (e) { caught.push(e instanceof HttpClientError ? e.message : `not an HttpClientError: ${String(e)}`); }
      try { yield* res.body.read(); } catch (e) { caught.push((e as Error).message); }
      try { yield* request('GET', `${url}/none`); } catch (e) { caught.push(e instanceof HttpClientError ? e.message : `not an HttpClientError: ${String(e)}`); }
      return caught;
    });
    expect(errors[0]).toBe(`GET ${url}/cut: the response body was cut off: invalid response: the connection closed in the middle of a response (after 10 of its 100 body bytes)`);
    expect(errors[1]).toMatch(/the rest of the response body is gone/);
    expect(errors[2]).toMatch(new RegExp(`^GET ${url}/none: (the server closed the connection before it responded|the connection was reset by the server \\(ECONNRESET\\))$`));
  });

  it('says "connection refused" for a port nobody listens on', async () => {
    const closed = await nodeServer(() => {});
    const url = `${closed.url}/`;
    await closed.close();
    const error = await run(function* () {
      try { yield* request('GET', url); return 'answered'; } catch (e) { return e; }
    });
    expect(error).toBeInstanceOf(HttpClientError);
    expect((error as Error).message).toBe(`GET ${url}: connection refused (ECONNREFUSED)`);
  });

  it('reads no body for HEAD, 204 and 304, and keeps the connection for the next request', async () => {
    server = await nodeServer((req, res) => {
      if (req.url === '/204') { res.writeHead(204); res.end(); return; }
      if (req.url === '/304') { res.writeHead(304, { etag: '"x"' }); res.end(); return; }
      res.writeHead(200, { 'content-length': '5' });
      res.end(req.method === 'HEAD' ? undefined : 'hello');
    });
    const url = server.url;
    const got = await run(function* () {
      using client = new HttpClient();
      const out: Array<[number, string]> = [];
      for (const [method, path] of [['HEAD', '/'], ['GET', '/204'], ['GET', '/304'], ['GET', '/']] as const) {
        const res = yield* client.request(method, `${url}${path}`);
        out.push([res.status, yield* res.body.text()]);
      }
      return out;
    });
    expect(got).toEqual([[200, ''], [204, ''], [304, ''], [200, 'hello']]);
    expect(server.accepted).toBe(1);
  });
});

describe('request(): limits and bad arguments', () => {
  it('holds a response to maxHeaderSize and maxBodySize: by Content-Length at the head, by bytes as a chunked body comes', async () => {
    server = await nodeServer((req, res) => {
      if (req.url === '/length') { res.setHeader('content-length', '100'); res.end('x'.repeat(100)); return; }
      if (req.url === '/head') { res.setHeader('x-big', 'y'.repeat(2000)); res.end(); return; }
      res.write('x'.repeat(8));
      res.end('x'.repeat(8));
    });
    const url = server.url;
    const got = await run(function* () {
      const byLength = yield* failureOf(request('GET', `${url}/length`, { maxBodySize: 10 }));
      const head = yield* failureOf(request('GET', `${url}/head`, { maxHeaderSize: 1024 }));
      const res = yield* request('GET', `${url}/chunked`, { maxBodySize: 10 });
      const chunked = yield* failureOf(res.body.readAll(Infinity));
      return [byLength, head, chunked].map((e) => (e as Error).message);
    });
    expect(got).toEqual([
      `GET ${url}/length: invalid response: Content-Length 100 is larger than maxBodySize (10 bytes)`,
      `GET ${url}/head: invalid response: the head is larger than maxHeaderSize (1024 bytes)`,
      `GET ${url}/chunked: the response body was cut off: invalid response: the chunked body is larger than maxBodySize (10 bytes)`,
    ]);
  });

  it('refuses, before sending anything, a URL, method, header or body it cannot send, naming it', async () => {
    const got = await run(function* () {
      const attempts = [
        request('GET', 'not a url'),
        request('GET', 'ftp://127.0.0.1/'),
        request('GET', 'http://user:secret@127.0.0.1:1/'),
        request('GET /x', 'http://127.0.0.1:1/'),
        request('GET', 'http://127.0.0.1:1/', { headers: { 'x-evil': 'a\r\nInjected: 1' } }),
        request('POST', 'http://127.0.0.1:1/', { body: 42 as unknown as string }),
      ];
      const messages: string[] = [];
      for (const attempt of attempts) {
        const e = yield* failureOf(attempt);
        messages.push(`${(e as Error).name}: ${(e as Error).message}`);
      }
      return messages;
    });
    expect(got).toEqual([
      'TypeError: request(): "not a url" is not an absolute URL',
      'TypeError: request(): only http: and https: URLs are supported, got ftp:',
      'TypeError: request(): credentials in the URL are not sent; pass an Authorization header',
      'TypeError: invalid method "GET /x": it must be a token (RFC 9110 §9.1)',
      "TypeError: invalid value for header 'x-evil': CR, LF, NUL, other controls and characters above U+00FF are not allowed",
      'TypeError: request(): the body must be a string, a Uint8Array, an iterable of them or a BodyStream, got 42',
    ]);
  });
});

describe('HttpClient: the keep-alive pool', () => {
  it('reuses one connection for requests in turn, and opens at most maxConnectionsPerOrigin for requests at once', async () => {
    server = await nodeServer((req, res) => { setTimeout(() => res.end(`done ${req.url}`), 20); });
    const url = server.url;
    const s = server;
    const got = await run(function* () {
      using client = new HttpClient({ maxConnectionsPerOrigin: 2 });
      const inTurn: string[] = [];
      for (let i = 0; i < 5; i++) inTurn.push(yield* (yield* client.request('GET', `${url}/${i}`)).body.text());
      const afterInTurn = s.accepted;
      const tasks = [];
      for (let i = 0; i < 6; i++) tasks.push(yield* spawn(function* () { return yield* (yield* client.request('GET', `${url}/c${i}`)).body.text(); }));
      const atOnce: string[] = [];
      for (const task of tasks) atOnce.push((yield* task.join()) as string);
      return { inTurn, afterInTurn, atOnce, idle: client.idleConnections(url) };
    });
    expect(got.inTurn).toEqual(['done /0', 'done /1', 'done /2', 'done /3', 'done /4']);
    expect(got.afterInTurn).toBe(1);
    expect(got.atOnce).toEqual([0, 1, 2, 3, 4, 5].map((i) => `done /c${i}`));
    expect(server.accepted).toBe(2);
    expect(got.idle).toBe(2);
  });

  it('gives a connection back only once its response body has been read to the end', async () => {
    server = await nodeServer((req, res) => res.end(`body of ${req.url}`));
    const url = server.url;
    const got = await run(function* () {
      using client = new HttpClient();
      const unread = yield* client.request('GET', `${url}/a`);
      const idleWhileUnread = client.idleConnections(url);
      const other = yield* (yield* client.request('GET', `${url}/b`)).body.text();
      const afterOther = client.idleConnections(url);
      const a = yield* unread.body.text();
      return { idleWhileUnread, other, afterOther, a, idleAtEnd: client.idleConnections(url) };
    });
    expect(got).toEqual({ idleWhileUnread: 0, other: 'body of /b', afterOther: 1, a: 'body of /a', idleAtEnd: 2 });
    expect(server.accepted).toBe(2);
  });

  it('retries an idempotent request once on a new connection when the server closed the pooled one while idle, but not a POST', async () => {
    server = await nodeServer((req, res) => res.end(`ok ${req.method}`));
    const s = server;
    const url = server.url;
    const got = await run(function* () {
      using client = new HttpClient({ keepAliveTimeout: 60_000 });
      const first = yield* (yield* client.request('GET', url)).body.text();
      // The server drops the idle connection (as its keep-alive timeout would).
      for (const sock of s.open) sock.destroy();
      const retried = yield* (yield* client.request('GET', url)).body.text();
      const acceptedAfterGet = s.accepted;
      for (const sock of s.open) sock.destroy();
      let post: string;
      try { post = yield* (yield* client.request('POST', url, { body: 'x' })).body.text(); } catch (e) { post = (e as Error).message; }
      return { first, retried, acceptedAfterGet, post };
    });
    expect(got.first).toBe('ok GET');
    expect(got.retried).toBe('ok GET');
    expect(got.acceptedAfterGet).toBe(2);
    expect(got.post).toMatch(new RegExp(`^POST ${url}/: (the server closed the connection before it responded|the connection was reset by the server \\(ECONNRESET\\)|the server closed the connection while the request was being sent \\(EPIPE\\))$`));
  });

  it('retries only once: after a stale pooled connection the other idle ones are closed and the retry opens a new one, whose failure is the error', async () => {
    let slam = false;
    server = await nodeServer((req, res) => { if (slam) req.socket.destroy(); else setTimeout(() => res.end('ok'), 10); });
    const s = server;
    const url = server.url;
    const got = await run(function* () {
      using client = new HttpClient({ keepAliveTimeout: 60_000 });
      const both = [yield* spawn(function* () { return yield* (yield* client.request('GET', url)).body.text(); }), yield* spawn(function* () { return yield* (yield* client.request('GET', url)).body.text(); })];
      for (const task of both) yield* task.join();
      const idleBefore = client.idleConnections(url);
      for (const sock of s.open) sock.destroy();
      const retried = yield* (yield* client.request('GET', url)).body.text();
      const acceptedAfterRetry = s.accepted;
      for (const sock of s.open) sock.destroy();
      slam = true;
      const error = yield* failureOf(client.request('GET', url));
      return { idleBefore, retried, acceptedAfterRetry, acceptedAtEnd: s.accepted, error: (error as Error).message };
    });
    expect(got.idleBefore).toBe(2);
    expect(got.retried).toBe('ok');
    // Two idle connections were dead: one failed the request, the other was closed unused, and the retry opened the third.
    expect(got.acceptedAfterRetry).toBe(3);
    // The pooled connection is stale, and the one retry's new connection is slammed too: one connection more, no second retry.
    expect(got.acceptedAtEnd).toBe(4);
    expect(got.error).toMatch(new RegExp(`^GET ${url}/: (the server closed the connection before it responded|the connection was reset by the server \\(ECONNRESET\\))$`));
  });

  it('does not take bytes that came while a connection sat idle for the next response: that connection is closed and a new one serves the request', async () => {
    let n = 0;
    server = await nodeServer((req, res) => {
      const i = ++n;
      res.end(`ok ${i}`);
      // A response nobody asked for, on the idle keep-alive connection.
      if (i === 1) setTimeout(() => req.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstray'), 20);
    });
    const s = server;
    const url = server.url;
    const got = await run(function* () {
      using client = new HttpClient({ keepAliveTimeout: 60_000 });
      const first = yield* (yield* client.request('GET', url)).body.text();
      yield* sleep(100);
      const second = yield* (yield* client.request('GET', url)).body.text();
      return { first, second, idle: client.idleConnections(url) };
    });
    expect(got).toEqual({ first: 'ok 1', second: 'ok 2', idle: 1 });
    expect(s.accepted).toBe(2);
    // The connection that had the stray bytes was closed by the client.
    await s.openAtMost(0);
  });

  it('keeps no pool for an origin it has no connection to: a client sent to many origins holds only those with idle connections', async () => {
    const closing = await Promise.all([0, 1, 2, 3].map(() => nodeServer((_req, res) => { res.setHeader('connection', 'close'); res.end('bye'); })));
    const keeping = await nodeServer((_req, res) => res.end('kept'));
    try {
      const pools = await run(function* () {
        using client = new HttpClient({ keepAliveTimeout: 60_000 });
        // The client's pools by origin, counted from outside (no public view of them).
        const count = () => (client as unknown as { pools: Map<string, unknown> }).pools.size;
        yield* (yield* client.request('GET', keeping.url)).body.text();
        const seen: number[] = [];
        for (const s of closing) {
          yield* (yield* client.request('GET', s.url)).body.text();
          seen.push(count());
        }
        return { seen, keptIdle: client.idleConnections(keeping.url) };
      });
      // Each new origin drops the ones before it that have no connection; the keep-alive one stays.
      expect(pools).toEqual({ seen: [2, 2, 2, 2], keptIdle: 1 });
    } finally {
      await Promise.all([...closing, keeping].map((s) => s.close()));
    }
  });

  it('closes an idle connection after keepAliveTimeout, and close() closes the rest, leaving no socket and no timer', async () => {
    server = await nodeServer((_req, res) => res.end('ok'));
    const url = server.url;
    const s = server;
    const handlesBefore = await steady(tcpHandles);
    const timersBefore = await steady(timers);
    await run(function* () {
      const client = new HttpClient({ keepAliveTimeout: 50 });
      yield* (yield* client.request('GET', url)).body.text();
      const idle = client.idleConnections(url);
      expect(idle).toBe(1);
      while (client.idleConnections(url) > 0) yield* sleep(10);
      const again = new HttpClient();
      yield* (yield* again.request('GET', url)).body.text();
      expect(again.idleConnections(url)).toBe(1);
      yield* again.close();
      expect(again.idleConnections(url)).toBe(0);
    });
    await s.openAtMost(0);
    expect(await settle(tcpHandles, handlesBefore)).toBe(handlesBefore);
    expect(await settle(timers, timersBefore)).toBe(timersBefore);
  });
});

describe('HttpClient: cancellation and timeouts', () => {
  it('a request to a server that never answers ends at timeoutAfter, closing its connection: no task, socket or timer left', async () => {
    server = await nodeServer(() => { /* never answers */ });
    const url = server.url;
    const s = server;
    const handlesBefore = await steady(tcpHandles);
    const timersBefore = await steady(timers);
    const kernel = new Kernel();
    const got = await kernel.run(function* () {
      using client = new HttpClient();
      let outcome: unknown;
      try { yield* timeoutAfter(200, client.request('GET', url)); } catch (e) { outcome = e; }
      const oneShot = yield* failureOf(timeoutAfter(200, request('GET', url)));
      return { timedOut: outcome instanceof TaskTimeout, oneShot: oneShot instanceof TaskTimeout, tasks: kernel.tasks.size, idle: client.idleConnections(url) };
    });
    expect(got).toEqual({ timedOut: true, oneShot: true, tasks: 1, idle: 0 });
    expect(kernel.tasks.size).toBe(0);
    expect(await settle(() => s.open.size, 0)).toBe(0);
    expect(s.accepted).toBe(2);
    expect(await settle(tcpHandles, handlesBefore)).toBe(handlesBefore);
    expect(await settle(timers, timersBefore)).toBe(timersBefore);
  });

  it('a cancelled body read closes the connection instead of pooling it, and the pool serves on', async () => {
    server = await nodeServer((req, res) => {
      if (req.url === '/slow') { res.writeHead(200, { 'content-length': '10' }); res.write('01234'); return; }
      res.end('fast');
    });
    const url = server.url;
    const s = server;
    const got = await run(function* () {
      using client = new HttpClient({ maxConnectionsPerOrigin: 1 });
      const res = yield* client.request('GET', `${url}/slow`);
      const first = Buffer.from((yield* res.body.read())!).toString();
      const cancelled = yield* failureOf(timeoutAfter(100, res.body.read()));
      const later = yield* failureOf(res.body.read());
      // The one connection slot is free again: the next request gets a new connection.
      const next = yield* (yield* client.request('GET', `${url}/fast`)).body.text();
      return { first, cancelled: cancelled instanceof TaskTimeout, later: (later as Error).message, next };
    });
    expect(got.first).toBe('01234');
    expect(got.cancelled).toBe(true);
    expect(got.later).toMatch(/the rest of the response body is gone/);
    expect(got.next).toBe('fast');
    expect(s.accepted).toBe(2);
  });

  it('a request cancelled while it waits for a pooled connection takes none, and the pool serves on', async () => {
    const answers: Array<() => void> = [];
    server = await nodeServer((_req, res) => { answers.push(() => res.end('ok')); });
    const url = server.url;
    const s = server;
    const got = await run(function* () {
      using client = new HttpClient({ maxConnectionsPerOrigin: 1 });
      const holder = yield* spawn(function* () { return yield* (yield* client.request('GET', url)).body.text(); });
      while (answers.length === 0) yield* sleep(5);
      const waiting = yield* failureOf(timeoutAfter(50, client.request('GET', url)));
      answers.shift()!();
      const held = yield* holder.join();
      const after = spawn(function* () { return yield* (yield* client.request('GET', url)).body.text(); });
      const task = yield* after;
      while (answers.length === 0) yield* sleep(5);
      answers.shift()!();
      return { waiting: waiting instanceof TaskTimeout, held, after: yield* task.join() };
    });
    expect(got).toEqual({ waiting: true, held: 'ok', after: 'ok' });
    expect(s.accepted).toBe(1);
  });

  it('headersTimeout and bodyTimeout end a request to a server that goes quiet, naming the timeout', async () => {
    server = await nodeServer((req, res) => {
      if (req.url === '/body') { res.writeHead(200, { 'content-length': '10' }); res.write('0'); }
    });
    const url = server.url;
    const got = await run(function* () {
      using client = new HttpClient({ headersTimeout: 100, bodyTimeout: 100 });
      const head = yield* failureOf(client.request('GET', `${url}/head`));
      const res = yield* client.request('GET', `${url}/body`);
      const body = yield* failureOf(res.body.readAll());
      return [(head as Error).message, (body as Error).message];
    });
    expect(got).toEqual([
      `GET ${url}/head: no response within headersTimeout (100 ms)`,
      `GET ${url}/body: the response body was cut off: the server sent nothing for 100 ms (bodyTimeout)`,
    ]);
  });
});

function* failureOf(op: Operation<unknown>): Operation<unknown> {
  try {
    yield* op;
  } catch (e) {
    return e;
  }
  throw new Error('expected the operation to fail');
}
