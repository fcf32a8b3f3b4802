/**
 * Bad input against the example HTTP server (its own process, `--max-body-size=1024`),
 * over raw `node:net` connections: each malformed, oversized or smuggling request gets
 * its status (400, 413, 431) and a closed connection, and the server lives on, serving
 * the next client and exiting cleanly on SIGTERM at the end.
 */
import { HELLO, httpRequest, httpStatsWhen, rawExchange, startHttpServer, statusOf } from '../src/http-tools.js';
import type { ServerProcess } from '../src/server-process.js';

jest.setTimeout(120_000);

const MAX_BODY = 1024;

let server: ServerProcess;

beforeAll(async () => {
  server = await startHttpServer([`--max-body-size=${MAX_BODY}`]);
});

afterAll(async () => {
  await server.dispose();
});

const head = (...lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

const BAD_REQUESTS: [what: string, status: number, request: string][] = [
  ['Content-Length and Transfer-Encoding both', 400, head('POST /echo HTTP/1.1', 'Host: a', 'Content-Length: 5', 'Transfer-Encoding: chunked') + '0\r\n\r\n'],
  ['two Content-Lengths that differ', 400, head('POST /echo HTTP/1.1', 'Host: a', 'Content-Length: 5', 'Content-Length: 6') + 'hello'],
  ['a chunk size that is not hex', 400, head('POST /echo HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked') + 'zz\r\nhello\r\n0\r\n\r\n'],
  ['a chunk size that overflows', 400, head('POST /echo HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked') + 'ffffffffffffffffffff\r\nhello\r\n0\r\n\r\n'],
  ['whitespace before the colon', 400, head('GET / HTTP/1.1', 'Host : a')],
  ['no Host in HTTP/1.1', 400, head('GET / HTTP/1.1', 'Accept: */*')],
  ['a control character in a header value', 400, head('GET / HTTP/1.1', 'Host: a', 'X-Bad: a\x01b')],
  ['obs-fold', 400, head('GET / HTTP/1.1', 'Host: a', 'X-Folded: a', ' b')],
  ['a bare CR', 400, 'GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n'],
  ['a request line that is not HTTP', 400, 'HELLO THERE\r\n\r\n'],
  // Only the head is sent: the server refuses by the length alone, so nothing is left unread.
  [`a Content-Length over --max-body-size (${MAX_BODY})`, 413, head('POST /echo HTTP/1.1', 'Host: a', `Content-Length: ${MAX_BODY * 2}`)],
  // A first chunk over the limit, sent whole in one write the server reads whole.
  [`a chunked body whose first chunk is over --max-body-size (${MAX_BODY})`, 413, head('POST /echo HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked') + `${(MAX_BODY + 256).toString(16)}\r\n${'x'.repeat(MAX_BODY + 256)}\r\n0\r\n\r\n`],
  ['a header section over 16 KiB', 431, head('GET / HTTP/1.1', 'Host: a', `X-Big: ${'x'.repeat(17 * 1024)}`)],
  ['more than 100 headers', 431, head('GET / HTTP/1.1', 'Host: a', ...Array.from({ length: 120 }, (_, i) => `X-H${i}: ${i}`))],
];

test.each(BAD_REQUESTS)('%s: answered %i and the connection closed; the server serves on', async (_what, status, bytes) => {
  const r = await rawExchange(server.port, bytes);
  expect(statusOf(r.received)).toBe(status);
  expect(r.closed).toBe(true);
  expect(r.received.toString('latin1')).toMatch(/\r\nconnection: close\r\n/i);
  expect(r.error).toBeNull();
  const next = await httpRequest(server.port, 'GET', '/');
  expect(next.status).toBe(200);
  expect(next.body.toString()).toBe(HELLO);
});

test(`a chunked body growing past --max-body-size (${MAX_BODY}) while the echo streams it back: the answer stops short of the limit and the connection closes`, async () => {
  // The echo answers as the body arrives, so its 200 may be under way when the limit is
  // passed: then the only honest end is a cut-off answer (no last chunk) and a close.
  const chunks = `100\r\n${'x'.repeat(256)}\r\n`.repeat(8);
  const r = await rawExchange(server.port, head('POST /echo HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked') + chunks + '0\r\n\r\n');
  expect(r.closed).toBe(true);
  const text = r.received.toString('latin1');
  expect([200, 413]).toContain(statusOf(text));
  if (statusOf(text) === 200) {
    expect(text.endsWith('\r\n0\r\n\r\n')).toBe(false);
    expect(text.split('x').length - 1).toBeLessThanOrEqual(MAX_BODY);
  }
  expect((await httpRequest(server.port, 'GET', '/')).body.toString()).toBe(HELLO);
});

test('a smuggled second request after a refused one is never answered', async () => {
  // CL.TE: if the server took the Content-Length, the chunked terminator would end the body
  // and "GET /smuggled" would be a second request on the connection.
  const smuggle = head('POST /echo HTTP/1.1', 'Host: a', 'Content-Length: 4', 'Transfer-Encoding: chunked') + '0\r\n\r\n' + head('GET /stats HTTP/1.1', 'Host: a');
  const r = await rawExchange(server.port, smuggle);
  expect(statusOf(r.received)).toBe(400);
  expect(r.received.toString('latin1').match(/HTTP\/1\.1 /g)).toHaveLength(1);
  expect(r.closed).toBe(true);
});

test('after all of it the server holds no connection but the one asking, and exits 143 on SIGTERM', async () => {
  const stats = await httpStatsWhen(server.port, (s) => s.connections === 1 && s.inFlight === 1);
  expect(stats.connections).toBe(1);
  expect(stats.inFlight).toBe(1);
  expect(await server.stop('SIGTERM')).toEqual({ code: 143, signal: null });
  expect(server.stderr).toBe('');
});
