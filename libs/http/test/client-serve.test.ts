// The client against this package's own server (serveHttp in a kernel of its own): keep-alive
// counted on the server's stats, and a response body streamed straight into another request
// (an HttpBody is a BodyStream), chunked both ways.
import { run } from '@curio/kernel';
import { HttpClient, type HttpHandler } from '../src/index.js';
import { startServer, type Running } from './serve.js';

const app: HttpHandler = function* (req, res) {
  if (req.path === '/stream') {
    yield* res.start(200, { 'content-type': 'text/plain' });
    for (let i = 0; i < 5; i++) yield* res.write(`chunk ${i}\n`);
    yield* res.end({ 'x-chunks': '5' });
  } else if (req.path === '/echo') {
    yield* res.start(200, { 'content-type': req.headers.get('content-type') ?? 'application/octet-stream', 'x-request-framing': req.headers.has('transfer-encoding') ? 'chunked' : 'length' });
    for (let piece = yield* req.body.read(); piece !== null; piece = yield* req.body.read()) yield* res.write(piece);
    yield* res.end();
  } else {
    yield* res.send(200, 'Hello, world!\n', { 'content-type': 'text/plain' });
  }
};

let server: Running;
beforeAll(async () => { server = await startServer(app); });
afterAll(() => server.stop());

describe('HttpClient against serveHttp', () => {
  it('carries requests in turn on one kept-alive connection', async () => {
    const url = `http://127.0.0.1:${server.port}/`;
    const before = server.stats.requests;
    const got = await run(function* () {
      using client = new HttpClient();
      const bodies: string[] = [];
      let connections = 0;
      for (let i = 0; i < 5; i++) {
        bodies.push(yield* (yield* client.request('GET', url)).body.text());
        connections = Math.max(connections, server.stats.connections);
      }
      return { bodies, connections };
    });
    expect(got.bodies).toEqual(Array(5).fill('Hello, world!\n'));
    expect(got.connections).toBe(1);
    expect(server.stats.requests - before).toBe(5);
  });

  it('streams one response body into another request, chunked both ways, trailers included', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    const got = await run(function* () {
      using client = new HttpClient();
      const source = yield* client.request('GET', `${base}/stream`);
      const echoed = yield* client.request('POST', `${base}/echo`, { headers: { 'content-type': 'text/plain' }, body: source.body });
      const text = yield* echoed.body.text();
      return { text, framing: echoed.headers.get('x-request-framing'), trailer: source.trailers.get('x-chunks'), type: echoed.headers.get('content-type') };
    });
    expect(got).toEqual({ text: 'chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n', framing: 'chunked', trailer: '5', type: 'text/plain' });
  });
});
