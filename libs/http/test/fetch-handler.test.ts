// fetchHandler over real sockets on 127.0.0.1: a Hono app served unchanged through
// serveHttp, exercised by Node's fetch; then, without Hono, what a client that goes away
// does to the handler (its signal aborts, its streams are cancelled, no task is left).
import { connect, type Socket as NetSocket } from 'node:net';
import { once } from 'node:events';
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { stream } from 'hono/streaming';
import { CancelledError, Kernel, awaitPromise, currentTask, spawn, type Task } from '@curio/kernel';
import { IOError } from '@curio/io';
import { HttpBody, HttpError, HttpHeaders, HttpServerStats, fetchHandler, serveHttp, type BodySource, type FetchFunction, type HttpRequest, type HttpResponse, type ServeHttpOptions } from '../src/index.js';

/** A promise with its resolve function outside, for one side of a test to wait on the other. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A server of `fn` in its own kernel, and what the kernel saw: crashes, the tasks left. */
interface Served {
  base: string;
  kernel: Kernel;
  stats: HttpServerStats;
  crashes: { task: string; error: unknown }[];
  /** Cancels the server (it drains), ends the kernel's run; the names of the tasks still alive then. */
  stop(): Promise<string[]>;
}

async function serve(fn: FetchFunction, options: ServeHttpOptions = {}): Promise<Served> {
  const crashes: Served['crashes'] = [];
  const kernel = new Kernel({ crashReporter: (task, error) => void crashes.push({ task: task.name, error }) });
  const stats = new HttpServerStats();
  const listening = deferred<number>();
  const done = deferred();
  const ran = kernel.run(function* () {
    const server: Task = yield* spawn(serveHttp, '127.0.0.1', 0, fetchHandler(fn), { ...options, stats, onListening: ({ port }) => listening.resolve(port) });
    yield* awaitPromise(done.promise);
    yield* server.cancel();
    const me = yield* currentTask();
    return [...kernel.tasks.values()].filter((t) => t !== me).map((t) => t.name);
  });
  ran.catch(() => {});
  const port = await Promise.race([listening.promise, ran.then(() => { throw new Error('the server stopped before listening'); })]);
  return { base: `http://127.0.0.1:${port}`, kernel, stats, crashes, stop: () => (done.resolve(), ran) };
}

/** Waits until `test` holds, checking on each turn of the event loop (no fixed sleeps). */
async function until(test: () => boolean): Promise<void> {
  while (!test()) await new Promise((r) => setImmediate(r));
}

/** Opens a raw TCP connection to the server (for a client that goes away midway). */
async function rawConnection(base: string): Promise<NetSocket> {
  const sock = connect(Number(new URL(base).port), '127.0.0.1');
  await once(sock, 'connect');
  return sock;
}

describe('fetchHandler: a Hono app served unchanged', () => {
  const gates: (() => void)[] = [];
  const app = new Hono();
  app.get('/users/:id', (c) => c.json({ id: c.req.param('id'), tab: c.req.query('tab') ?? null }));
  app.post('/users', async (c) => {
    const user = await c.req.json<{ name: string }>();
    return c.json({ created: user.name.toUpperCase() }, 201);
  });
  app.get('/headers', (c) => {
    setCookie(c, 'session', 'abc', { path: '/' });
    setCookie(c, 'theme', 'dark', { path: '/' });
    c.header('x-seen', c.req.header('x-test') ?? 'none');
    return c.text(`${c.req.method} ${c.req.url}`);
  });
  app.get('/stream', (c) =>
    stream(c, async (s) => {
      await s.write('part 0\n');
      // The next part is made only after the client has read the first: it was sent alone.
      await new Promise<void>((resolve) => gates.push(resolve));
      await s.write('part 1\n');
    }),
  );
  app.post('/echo', (c) => new Response(c.req.raw.body, { headers: { 'content-type': c.req.header('content-type') ?? 'application/octet-stream' } }));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.onError((error, c) => c.text(`the app failed: ${error.message}`, 500));

  let served: Served;
  beforeAll(async () => {
    served = await serve(app.fetch, { maxBodySize: 64 * 1024 });
  });
  afterAll(async () => {
    expect(await served.stop()).toEqual([]);
    expect(served.crashes).toEqual([]);
  });

  it('routes with parameters and a query; a JSON body whole, with Content-Length', async () => {
    const res = await fetch(`${served.base}/users/42?tab=posts`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ id: '42', tab: 'posts' });
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(res.headers.get('transfer-encoding')).toBeNull();
  });

  it('reads a JSON request body and answers with the status the app chose', async () => {
    const res = await fetch(`${served.base}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ada' }) });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ created: 'ADA' });
  });

  it("gives the app the request's headers and absolute URL, and sends each Set-Cookie apart", async () => {
    const res = await fetch(`${served.base}/headers?x=1`, { headers: { 'x-test': 'hello' } });
    expect(await res.text()).toBe(`GET ${served.base}/headers?x=1`);
    expect(res.headers.get('x-seen')).toBe('hello');
    expect(res.headers.getSetCookie()).toEqual(['session=abc; Path=/', 'theme=dark; Path=/']);
  });

  it("streams hono's stream() chunk by chunk, chunked", async () => {
    const res = await fetch(`${served.base}/stream`);
    expect(res.status).toBe(200);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).toBe('part 0\n');
    await until(() => gates.length === 1);
    gates.shift()!();
    let rest = '';
    for (let piece = await reader.read(); !piece.done; piece = await reader.read()) rest += decoder.decode(piece.value);
    expect(rest).toBe('part 1\n');
  });

  it('streams a request body back through the app (request.body into a Response), byte for byte', async () => {
    const sent = Buffer.alloc(48 * 1024);
    for (let i = 0; i < sent.length; i++) sent[i] = (i * 7) % 251;
    const res = await fetch(`${served.base}/echo`, { method: 'POST', headers: { 'content-type': 'application/x-test' }, body: sent });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-test');
    expect(Buffer.from(await res.arrayBuffer()).equals(sent)).toBe(true);
  });

  it("answers a thrown error with the app's 500, an unknown route with its 404", async () => {
    const boom = await fetch(`${served.base}/boom`);
    expect(boom.status).toBe(500);
    expect(await boom.text()).toBe('the app failed: boom');
    const missing = await fetch(`${served.base}/nowhere`);
    expect(missing.status).toBe(404);
    await missing.text();
  });
});

describe('fetchHandler: failures and bodies, without a framework', () => {
  it('a handler that throws or rejects, or gives something other than a Response, gets 500 and a crash report; the server goes on', async () => {
    const served = await serve((request) => {
      const path = new URL(request.url).pathname;
      if (path === '/throw') throw new Error('thrown by the handler');
      if (path === '/reject') return Promise.reject(new Error('rejected by the handler'));
      if (path === '/not-a-response') return 'hello' as unknown as Response;
      if (path === '/network-error') return Response.error();
      return new Response('fine');
    });
    for (const path of ['/throw', '/reject', '/not-a-response', '/network-error']) {
      const res = await fetch(`${served.base}${path}`);
      expect(res.status).toBe(500);
      await res.text();
    }
    expect(await (await fetch(`${served.base}/`)).text()).toBe('fine');
    expect(await served.stop()).toEqual([]);
    expect(served.crashes.map((c) => (c.error as Error).message)).toEqual([
      'thrown by the handler',
      'rejected by the handler',
      'fetchHandler(): the handler must give a Response, got "hello" (a string)',
      'fetchHandler(): the handler gave Response.error(), a network error, not a response',
    ]);
  });

  it('answers 501 for a method a web Request cannot have, without calling the handler', async () => {
    let calls = 0;
    const served = await serve(() => (calls++, new Response('called')));
    const sock = await rawConnection(served.base);
    sock.write('TRACE / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    let reply = '';
    sock.setEncoding('latin1').on('data', (d: string) => (reply += d));
    await once(sock, 'close');
    expect(reply).toMatch(/^HTTP\/1\.1 501 [^]*a web Request cannot have the method TRACE/);
    expect(calls).toBe(0);
    expect(await served.stop()).toEqual([]);
    expect(served.crashes).toEqual([]);
  });

  it('a request body over maxBodySize is answered 413, whatever the handler made of the failed read', async () => {
    let sawError = '';
    const served = await serve(async (request) => {
      try {
        await request.text();
      } catch (error) {
        sawError = String(error);
      }
      return new Response('read it all', { status: 200 });
    }, { maxBodySize: 1000 });
    // Chunked (no Content-Length), so the limit is found while the handler reads.
    const sock = await rawConnection(served.base);
    sock.on('error', () => {}); // the server may close before it has read all we sent
    sock.write('POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n');
    sock.write(`7d0\r\n${'x'.repeat(2000)}\r\n0\r\n\r\n`);
    let reply = '';
    sock.setEncoding('latin1').on('data', (d: string) => (reply += d));
    await once(sock, 'close');
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(sawError).toContain('larger than maxBodySize (1000 bytes)');
    expect(await served.stop()).toEqual([]);
  });

  it('leaves no task behind for a request body the handler never read', async () => {
    const served = await serve(() => new Response('not interested'));
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${served.base}/upload`, { method: 'POST', body: 'x'.repeat(10_000) });
      expect(await res.text()).toBe('not interested');
    }
    const left = [...served.kernel.tasks.values()].map((t) => t.name).filter((name) => name === 'fetchRequestBody');
    expect(left).toEqual([]);
    expect(await served.stop()).toEqual([]);
  });

  it('pulls the request body from the connection only as the handler reads it (no read-ahead)', async () => {
    // The body's source counts its reads: the connection would be read as often.
    const pieces = ['one', 'two', 'three'].map((s) => new TextEncoder().encode(s));
    let reads = 0;
    const source: BodySource = {
      trailers: HttpHeaders.EMPTY,
      *readBody() {
        reads++;
        return pieces.shift() ?? null;
      },
    };
    const readsSeen: number[] = [];
    const handler = fetchHandler(async (request) => {
      const reader = request.body!.getReader();
      readsSeen.push(reads);
      await reader.read();
      readsSeen.push(reads);
      await reader.read();
      readsSeen.push(reads);
      await reader.cancel();
      return new Response(null, { status: 204 });
    });
    const sent: number[] = [];
    const res: HttpResponse = {
      headersSent: false,
      finished: false,
      *send(status) { sent.push(status); },
      *start() { throw new Error('not streamed'); },
      *write() { throw new Error('not streamed'); },
      *end() { throw new Error('not streamed'); },
    };
    const req: HttpRequest = {
      method: 'PUT', target: '/file', path: '/file', query: new URLSearchParams(), httpVersion: '1.1',
      headers: new HttpHeaders([['host', 'example.test']]), remoteAddress: { host: '127.0.0.1', port: 1 }, secure: false,
      body: new HttpBody(source, undefined, 1 << 20), trailers: HttpHeaders.EMPTY,
    };
    const kernel = new Kernel();
    const left = await kernel.run(function* () {
      yield* handler(req, res);
      const me = yield* currentTask();
      return [...kernel.tasks.values()].filter((t) => t !== me).map((t) => t.name);
    });
    expect(readsSeen).toEqual([0, 1, 2]);
    expect(reads).toBe(2);
    expect(sent).toEqual([204]);
    expect(left).toEqual([]);
  });
});

describe('fetchHandler: a client that goes away', () => {
  it("aborts the handler's signal while it waits, and leaves no task behind", async () => {
    const started = deferred();
    const aborted = deferred<unknown>();
    const served = await serve((request) => new Promise<Response>((_resolve, reject) => {
      request.signal.addEventListener('abort', () => {
        aborted.resolve(request.signal.reason);
        reject(request.signal.reason as Error);
      });
      started.resolve();
    }));
    const tasksIdle = served.kernel.tasks.size;
    const sock = await rawConnection(served.base);
    sock.write('GET /wait HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await started.promise;
    expect(served.kernel.tasks.size).toBeGreaterThan(tasksIdle);
    sock.destroy();
    expect(await aborted.promise).toBeInstanceOf(CancelledError);
    await until(() => served.stats.connections === 0 && served.stats.inFlight === 0);
    // The connection's tasks (the handler's among them) are gone: as many tasks as before it came.
    expect(served.kernel.tasks.size).toBe(tasksIdle);
    expect(await served.stop()).toEqual([]);
    expect(served.crashes).toEqual([]);
  });

  it('ends the body pump of a request whose body is still coming, and aborts the signal', async () => {
    const reading = deferred();
    const aborted = deferred<unknown>();
    const served = await serve(async (request) => {
      request.signal.addEventListener('abort', () => aborted.resolve(request.signal.reason));
      const reader = request.body!.getReader();
      await reader.read();
      reading.resolve();
      await reader.read(); // never comes: the client goes away
      return new Response('unreachable');
    });
    const sock = await rawConnection(served.base);
    sock.write('POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nfirst piece');
    await reading.promise;
    const names = () => [...served.kernel.tasks.values()].map((t) => t.name);
    expect(names()).toContain('fetchRequestBody');
    sock.destroy();
    // The body's read is what sees the client go: the connection closed in the middle of the request.
    const reason = await aborted.promise;
    expect(reason).toBeInstanceOf(HttpError);
    expect((reason as HttpError).status).toBe(400);
    await until(() => served.stats.connections === 0 && served.stats.inFlight === 0);
    expect(names()).not.toContain('fetchRequestBody');
    expect(await served.stop()).toEqual([]);
    expect(served.crashes).toEqual([]);
  });

  it('cancels the response body the handler is still producing', async () => {
    const cancelled = deferred<unknown>();
    const served = await serve(() => new Response(new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new TextEncoder().encode('tick\n')),
      cancel: (reason) => cancelled.resolve(reason),
    }, { highWaterMark: 0 })));
    const sock = await rawConnection(served.base);
    sock.write('GET /ticks HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    // Read until some ticks have come, then go away mid-stream.
    let received = '';
    sock.setEncoding('latin1');
    for await (const data of sock) {
      received += data as string;
      if (received.includes('tick\n')) break;
    }
    sock.destroy();
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*transfer-encoding: chunked\r\n/i);
    // Cancelled with what ended the response: the failed write, or the cancellation when the server saw the client go first.
    const reason = await cancelled.promise;
    expect(reason instanceof IOError || reason instanceof CancelledError).toBe(true);
    await until(() => served.stats.connections === 0 && served.stats.inFlight === 0);
    expect(await served.stop()).toEqual([]);
    expect(served.crashes).toEqual([]);
  });
});

describe('fetchHandler: bad arguments', () => {
  it('refuses something other than a function, naming it', () => {
    expect(() => fetchHandler('app.fetch' as unknown as FetchFunction)).toThrow('fetchHandler(): expected a function (request: Request) => Response, got "app.fetch" (a string)');
  });
});
