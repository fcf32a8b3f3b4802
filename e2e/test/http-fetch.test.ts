/**
 * The example HTTP server (its own process) driven by Node's own `fetch` (undici): every
 * route of the example's contract, request bodies sent with a length and streamed
 * (chunked), and `/stats` counting what it served.
 */
import { randomBytes } from 'node:crypto';
import { HELLO, httpStats, httpStatsWhen, startHttpServer } from '../src/http-tools.js';
import type { ServerProcess } from '../src/server-process.js';

jest.setTimeout(120_000);

let server: ServerProcess;
let base: string;

beforeAll(async () => {
  server = await startHttpServer();
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.dispose();
});

test('GET / answers 200 text/plain "Hello, world!" with its Content-Length', async () => {
  const r = await fetch(`${base}/`);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(r.headers.get('content-length')).toBe('14');
  expect(await r.text()).toBe(HELLO);
});

test('HEAD / answers Content-Length 14 and no body', async () => {
  const r = await fetch(`${base}/`, { method: 'HEAD' });
  expect(r.status).toBe(200);
  expect(r.headers.get('content-length')).toBe('14');
  expect((await r.arrayBuffer()).byteLength).toBe(0);
});

test('POST /echo with a Content-Length sends the body back byte for byte with its Content-Type', async () => {
  const body = randomBytes(100_000);
  const r = await fetch(`${base}/echo`, { method: 'POST', body, headers: { 'content-type': 'application/x-curio-test' } });
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toBe('application/x-curio-test');
  expect(Buffer.from(await r.arrayBuffer()).equals(body)).toBe(true);
});

test('POST /echo with a streamed (chunked) body sends it back byte for byte', async () => {
  const parts = [randomBytes(10_000), randomBytes(1), randomBytes(50_000)];
  // A ReadableStream body has no length: fetch sends it chunked.
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const p of parts) controller.enqueue(p);
      controller.close();
    },
  });
  const r = await fetch(`${base}/echo`, { method: 'POST', body: stream, duplex: 'half', headers: { 'content-type': 'application/octet-stream' } } as RequestInit);
  expect(r.status).toBe(200);
  expect(Buffer.from(await r.arrayBuffer()).equals(Buffer.concat(parts))).toBe(true);
});

test('GET /stream?n=5 is chunked, "chunk 0\\n" to "chunk 4\\n"', async () => {
  const r = await fetch(`${base}/stream?n=5`);
  expect(r.status).toBe(200);
  expect(r.headers.get('transfer-encoding')).toBe('chunked');
  expect(r.headers.get('content-length')).toBeNull();
  expect(await r.text()).toBe('chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n');
});

test('GET /sleep?ms=50 answers "slept 50"', async () => {
  const r = await fetch(`${base}/sleep?ms=50`);
  expect(r.status).toBe(200);
  expect(await r.text()).toBe('slept 50\n');
});

test('an unknown path answers 404', async () => {
  const r = await fetch(`${base}/no/such/route`);
  expect(r.status).toBe(404);
  await r.arrayBuffer();
});

test('/stats counts requests handled, handlers in flight and open connections', async () => {
  const idle = await httpStats(server.port);
  // The one asking is an open connection with its handler running.
  expect(idle.inFlight).toBe(1);

  for (const path of ['/', '/stream?n=2', '/nope']) await (await fetch(`${base}${path}`)).arrayBuffer();
  const after = await httpStats(server.port);
  // Three requests, and the stats request before them.
  expect(after.requests - idle.requests).toBe(4);

  // A request in flight: one more handler running, on one more connection (fetch's own).
  const sleeping = fetch(`${base}/sleep?ms=1500`);
  const during = await httpStatsWhen(server.port, (s) => s.inFlight > 1);
  expect(during.inFlight).toBe(2);
  expect(during.connections).toBeGreaterThanOrEqual(2);
  expect(await (await sleeping).text()).toBe('slept 1500\n');
  const done = await httpStatsWhen(server.port, (s) => s.inFlight === 1);
  expect(done.inFlight).toBe(1);
});
