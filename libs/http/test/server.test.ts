// serveHttp over real sockets on 127.0.0.1: raw node:net clients for exact bytes and bad
// input, Node's fetch and http.request for good input.
import http from 'node:http';
import { Buffer } from 'node:buffer';
import { pino } from 'pino';
import { logcrash } from '@curio/diagnostics';
import { awaitPromise, run } from '@curio/kernel';
import { HttpError, serveHttp, type HttpHandler } from '../src/index.js';
import { exchange, eventually, GET, RawClient, responses, startServer, withoutDate, type Running } from './serve.js';

const echo: HttpHandler = function* (req, res) {
  const body = yield* req.body.readAll();
  yield* res.send(200, `${req.method} ${req.target}${body.length > 0 ? ` ${body.toString('latin1')}` : ''}`, { 'Content-Type': 'text/plain' });
};

let server: Running | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

async function serve(handler: HttpHandler, options = {}): Promise<Running> {
  server = await startServer(handler, options);
  return server;
}

describe('serveHttp: the exchange', () => {
  it('answers pipelined requests in order on one kept-alive connection, with Date and the framing, and closes after Connection: close', async () => {
    const { port } = await serve(echo);
    const reply = await exchange(port, GET('/a') + 'POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz' + GET('/c', 'Connection: close\r\n'));
    expect(reply).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Type: text\/plain\r\nDate: [A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT\r\n/);
    expect(responses(withoutDate(reply))).toEqual([
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nGET /a',
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nPOST /b xyz',
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\nConnection: close\r\n\r\nGET /c',
    ]);
  });

  it('sends Node\'s fetch exactly content-type, content-length and date', async () => {
    const { port } = await serve(function* (_req, res) {
      yield* res.send(200, 'Hello, world!\n', { 'content-type': 'text/plain' });
    });
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('Hello, world!\n');
    expect([...response.headers.keys()].sort()).toEqual(['content-length', 'content-type', 'date']);
    expect(response.headers.get('content-length')).toBe('14');
  });

  it('keeps the connection of a keep-alive http.Agent for its next requests', async () => {
    const peers: number[] = [];
    const { port } = await serve(function* (req, res) {
      peers.push(req.remoteAddress.port);
      yield* res.send(200, 'ok');
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 3; i++) {
      const text = await new Promise<string>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: '/', agent }, (response) => {
          let body = '';
          response.on('data', (piece: Buffer) => { body += piece.toString(); });
          response.on('end', () => resolve(body));
        }).on('error', reject);
      });
      expect(text).toBe('ok');
    }
    agent.destroy();
    expect(new Set(peers).size).toBe(1);
    expect(peers).toHaveLength(3);
  });

  it('gives the handler method, target, path, query, version, headers and the client address', async () => {
    let seen: unknown;
    const { port } = await serve(function* (req, res) {
      seen = { method: req.method, target: req.target, path: req.path, q: req.query.getAll('q'), version: req.httpVersion, accept: req.headers.get('Accept'), all: req.headers.getAll('x-n'), host: req.remoteAddress.host };
      yield* res.send(204);
    });
    const reply = await exchange(port, 'GET /p/a%20b?q=1&q=two HTTP/1.0\r\nAccept: a\r\nX-N: 1\r\nX-N: 2\r\nAccept: b\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 204 No Content\r\n/);
    expect(seen).toEqual({ method: 'GET', target: '/p/a%20b?q=1&q=two', path: '/p/a%20b', q: ['1', 'two'], version: '1.0', accept: 'a, b', all: ['1', '2'], host: '127.0.0.1' });
  });

  it('sends no body for HEAD (but its Content-Length), 204 and 304, and stays in step for the next request', async () => {
    const { port } = await serve(function* (req, res) {
      const status = req.path === '/204' ? 204 : req.path === '/304' ? 304 : 200;
      yield* res.send(status, 'Hello, world!\n', { 'content-type': 'text/plain' });
    });
    const reply = withoutDate(await exchange(port, 'HEAD / HTTP/1.1\r\nHost: x\r\n\r\n' + GET('/204') + GET('/304') + GET('/', 'Connection: close\r\n')));
    expect(responses(reply)).toEqual([
      'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nContent-Length: 14\r\n\r\n',
      'HTTP/1.1 204 No Content\r\ncontent-type: text/plain\r\n\r\n',
      'HTTP/1.1 304 Not Modified\r\ncontent-type: text/plain\r\n\r\n',
      'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nContent-Length: 14\r\nConnection: close\r\n\r\nHello, world!\n',
    ]);
  });

  it('keeps an HTTP/1.0 client that asks for keep-alive, saying so, and closes one that does not', async () => {
    const { port } = await serve(echo);
    const reply = withoutDate(await exchange(port, 'GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n'));
    expect(responses(reply)).toEqual([
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\nConnection: keep-alive\r\n\r\nGET /1',
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\nConnection: close\r\n\r\nGET /2',
    ]);
  });
});

describe('serveHttp: bodies', () => {
  it('streams a request body to the handler as it arrives, and a streamed response back (http.request, chunked both ways)', async () => {
    const { port } = await serve(function* (req, res) {
      const first = yield* req.body.read();
      yield* res.start(200, { 'content-type': 'text/plain' });
      yield* res.write(`first: ${Buffer.from(first!).toString()}\n`);
      const rest = yield* req.body.readAll();
      yield* res.write(`rest: ${rest.toString()}\n`);
      yield* res.end();
    });
    const body = await new Promise<string>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/up' }, (response) => {
        expect(response.headers['transfer-encoding']).toBe('chunked');
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (piece: string) => {
          text += piece;
          // The rest is sent only once the handler has answered the first piece: it cannot have buffered the whole body.
          if (text === 'first: one\n') req.end('two');
        });
        response.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.write('one');
    });
    expect(body).toBe('first: one\nrest: two\n');
  });

  it('reads a chunked request body with trailers, and sends a chunked response with trailers', async () => {
    const { port } = await serve(function* (req, res) {
      const body = yield* req.body.text();
      yield* res.start(200);
      yield* res.write(body.toUpperCase());
      yield* res.end({ 'x-sum': req.trailers.get('x-sum') ?? 'none' });
    });
    const reply = withoutDate(await exchange(port, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nX-Sum: 5\r\n\r\n'));
    expect(reply).toBe('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nABCDE\r\n0\r\nx-sum: 5\r\n\r\n');
  });

  it('streams a response with a content-length header given to start()', async () => {
    const { port } = await serve(function* (_req, res) {
      yield* res.start(200, { 'content-length': '6' });
      yield* res.write('abc');
      yield* res.write('def');
      yield* res.end();
    });
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(response.headers.get('content-length')).toBe('6');
    expect(response.headers.get('transfer-encoding')).toBeNull();
    expect(await response.text()).toBe('abcdef');
  });

  it('holds a streaming handler back while the client does not read (backpressure), then delivers every byte', async () => {
    const piece = Buffer.alloc(64 * 1024, 0x61);
    const pieces = 512; // 32 MiB: far more than the socket buffers hold
    let written = 0;
    const { port } = await serve(function* (_req, res) {
      yield* res.start(200, { 'content-length': String(piece.length * pieces) });
      for (let i = 0; i < pieces; i++) {
        yield* res.write(piece);
        written++;
      }
      yield* res.end();
    });
    const client = await RawClient.connect(port);
    client.sock.pause();
    client.send(GET('/', 'Connection: close\r\n'));
    // Wait until the handler stops making progress with nobody reading.
    let last = -1;
    let still = 0;
    while (still < 5) {
      await new Promise((resolve) => setTimeout(resolve, 40));
      still = written === last && written > 0 ? still + 1 : 0;
      last = written;
    }
    expect(written).toBeLessThan(pieces);
    client.sock.setEncoding('latin1');
    client.sock.resume();
    const reply = await client.untilClosed();
    expect(written).toBe(pieces);
    const bodyStart = reply.indexOf('\r\n\r\n') + 4;
    expect(reply.length - bodyStart).toBe(piece.length * pieces);
  });

  it('discards a small body the handler did not read and serves the next request on the connection', async () => {
    let handled = 0;
    const { port } = await serve(function* (req, res) {
      handled++;
      yield* res.send(200, `${req.method} ${handled}`);
    });
    const reply = withoutDate(await exchange(port, `POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(1000)}` +
      'POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n' + GET('/c', 'Connection: close\r\n')));
    expect(responses(reply).map((r) => r.slice(r.indexOf('\r\n\r\n') + 4))).toEqual(['POST 1', 'POST 2', 'GET 3']);
  });

  it('closes the connection after answering when the unread body is too long to discard', async () => {
    const { port } = await serve(function* (_req, res) {
      yield* res.send(200, 'no thanks');
    });
    const client = await RawClient.connect(port);
    client.send(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${1 << 20}\r\n\r\n`);
    const reply = await client.untilClosed();
    expect(withoutDate(reply)).toBe('HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\nno thanks');
  });

  it('refuses a Content-Length over maxBodySize with 413 before the handler runs', async () => {
    let handled = 0;
    const { port } = await serve(function* (_req, res) { handled++; yield* res.send(200); }, { maxBodySize: 10 });
    const reply = await exchange(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n[^]*Connection: close\r\n\r\nContent-Length 11 is larger than maxBodySize \(10 bytes\)\n$/);
    expect(handled).toBe(0);
  });

  it('answers 413 and closes when a chunked body grows past maxBodySize mid-stream', async () => {
    let failure: unknown;
    const { port, crashes } = await serve(function* (req, res) {
      try {
        yield* req.body.readAll();
      } catch (e) {
        failure = e;
        throw e;
      }
      yield* res.send(200);
    }, { maxBodySize: 10 });
    const reply = await exchange(port, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n' + GET('/never'));
    expect(reply).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n[^]*Connection: close\r\n\r\nthe chunked body is larger than maxBodySize \(10 bytes\)\n$/);
    expect(failure).toBeInstanceOf(HttpError);
    expect(crashes).toEqual([]);
  });

  it('still answers 400 or 413 when the body read fails after start() but before any write (the head has not gone out)', async () => {
    const streamingEcho: HttpHandler = function* (req, res) {
      yield* res.start(200, { 'Content-Type': 'text/plain' });
      for (let piece = yield* req.body.read(); piece !== null; piece = yield* req.body.read()) yield* res.write(piece);
      yield* res.end();
    };
    const { port } = await serve(streamingEcho, { maxBodySize: 10 });
    const badChunk = await exchange(port, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n');
    expect(badChunk).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[^]*Connection: close\r\n/);
    const tooLarge = await exchange(port, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n1234567890123456\r\n0\r\n\r\n');
    expect(tooLarge).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n[^]*Connection: close\r\n/);
  });

  it('answers 500 to a handler whose response head is refused (a bad header name), whole or streamed, and serves on', async () => {
    const { port, crashes } = await serve(function* (req, res) {
      if (req.path === '/whole') yield* res.send(200, 'x', { 'bad name': 'v' });
      else if (req.path === '/streamed') {
        yield* res.start(200, { 'bad name': 'v' });
        yield* res.write('x');
      } else yield* res.send(200, 'fine');
    });
    const reply = withoutDate(await exchange(port, GET('/whole') + GET('/streamed') + GET('/next', 'Connection: close\r\n')));
    expect(responses(reply).map((r) => r.split('\r\n')[0])).toEqual(['HTTP/1.1 500 Internal Server Error', 'HTTP/1.1 500 Internal Server Error', 'HTTP/1.1 200 OK']);
    expect(crashes).toHaveLength(2);
  });

  it('takes a Content-Length given to send() when it is the body\'s (or a HEAD\'s), and refuses another with a 500', async () => {
    const { port } = await serve(function* (req, res) {
      if (req.method === 'HEAD') yield* res.send(200, undefined, { 'Content-Length': '5' });
      else if (req.path === '/right') yield* res.send(200, 'hello', { 'Content-Length': '5' });
      else yield* res.send(200, 'hello', { 'Content-Length': '4' });
    });
    const reply = withoutDate(await exchange(port, GET('/right') + 'HEAD / HTTP/1.1\r\nHost: x\r\n\r\n' + GET('/wrong', 'Connection: close\r\n')));
    const [right, head, wrong] = responses(reply);
    expect(right).toBe('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
    expect(head).toBe('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n');
    expect(wrong!.split('\r\n')[0]).toBe('HTTP/1.1 500 Internal Server Error');
  });

  it('answers 400, not 500, to an absolute-form target that is not a URL, and reports no crash', async () => {
    const { port, crashes } = await serve(function* (req, res) {
      yield* res.send(200, req.path);
    });
    const reply = await exchange(port, 'GET http://[x/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[^]*the request target "http:\/\/\[x\/" is not a valid URL\n$/);
    expect(crashes).toEqual([]);
  });

  it('lets readAll take a limit of its own', async () => {
    const { port } = await serve(function* (req, res) {
      yield* res.send(200, yield* req.body.readAll(4));
    });
    expect(await exchange(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello')).toMatch(/^HTTP\/1\.1 413 [^]*the body is 5 bytes, over the limit of 4 bytes\n$/);
  });

  it('sends 100 Continue only when the handler first reads the body', async () => {
    const { port } = await serve(function* (req, res) {
      if (req.path === '/read') {
        yield* res.send(200, yield* req.body.readAll());
      } else if (req.path === '/start-then-read') {
        yield* res.start(200, { 'content-length': '5' });
        yield* res.write(yield* req.body.readAll());
        yield* res.end();
      } else {
        yield* res.send(200, 'not reading');
      }
    });
    const reader = await RawClient.connect(port);
    reader.send('POST /read HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n');
    expect(await reader.waitFor(/^HTTP\/1\.1 100 Continue\r\n\r\n/)).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    reader.send('hello');
    expect(withoutDate(await reader.untilClosed())).toBe('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello');
    // A streamed response's head goes with its body: a read after start() still sends the 100 first, and the connection stays.
    const streamer = await RawClient.connect(port);
    streamer.send('POST /start-then-read HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n');
    await streamer.waitFor(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
    streamer.send('hello' + GET('/', 'Connection: close\r\n'));
    expect(responses(withoutDate(await streamer.untilClosed()))).toEqual([
      'HTTP/1.1 100 Continue\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
      'HTTP/1.1 200 OK\r\nContent-Length: 11\r\nConnection: close\r\n\r\nnot reading',
    ]);
    // Answered without reading: no 100, and the connection closes (the body may never come).
    const refuser = await RawClient.connect(port);
    refuser.send('POST /other HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n');
    expect(withoutDate(await refuser.untilClosed())).toBe('HTTP/1.1 200 OK\r\nContent-Length: 11\r\nConnection: close\r\n\r\nnot reading');
  });
});

describe('serveHttp: limits and bad input', () => {
  it('answers a bad request with 400 naming the problem, and closes the connection', async () => {
    const { port } = await serve(echo);
    const reply = await exchange(port, GET('/ok') + 'GET / HTTP/1.1\r\nHost : x\r\n\r\n' + GET('/never'));
    expect(withoutDate(reply)).toMatch(/^HTTP\/1\.1 200 OK[^]*GET \/okHTTP\/1\.1 400 Bad Request\r\nContent-Type: text\/plain\r\nContent-Length: \d+\r\nConnection: close\r\n\r\nwhitespace before the colon in header 'Host'/);
    expect(reply).not.toMatch(/never/);
  });

  it('answers 431 to a head over maxHeaderSize', async () => {
    const { port } = await serve(echo, { maxHeaderSize: 1024 });
    expect(await exchange(port, GET('/', `X: ${'a'.repeat(2000)}\r\n`))).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n[^]*Connection: close/);
  });

  it('closes the last of maxRequestsPerSocket requests with Connection: close', async () => {
    const { port } = await serve(echo, { maxRequestsPerSocket: 2 });
    const reply = await exchange(port, GET('/1') + GET('/2') + GET('/3'));
    expect(reply.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
    expect(reply).toMatch(/Connection: close\r\n\r\nGET \/2$/);
  });

  it('closes an idle keep-alive connection after keepAliveTimeout, without a response', async () => {
    const { port } = await serve(echo, { keepAliveTimeout: 100 });
    expect(withoutDate(await exchange(port, GET('/a')))).toBe('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nGET /a');
  });

  it('answers 408 and closes when a head does not arrive within headersTimeout (slowloris)', async () => {
    const { port } = await serve(echo, { headersTimeout: 100 });
    const reply = await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(reply).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n[^]*Connection: close\r\n\r\nthe request head took longer than headersTimeout \(100 ms\)\n$/);
  });

  it('answers 408 when a body does not arrive within requestTimeout', async () => {
    const { port } = await serve(echo, { requestTimeout: 150 });
    const reply = await exchange(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc');
    expect(reply).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n[^]*Connection: close\r\n\r\nthe request took longer than requestTimeout \(150 ms\)\n$/);
  });

  it('refuses options that cannot work, naming them', async () => {
    await expect(run(function* () { yield* serveHttp('127.0.0.1', 0, echo, { keepAliveTimeout: -1 }); })).rejects.toThrow('serveHttp(): keepAliveTimeout must be a positive number of ms (or Infinity), got -1');
    await expect(run(function* () { yield* serveHttp('127.0.0.1', 0, echo, { maxBodySize: 1.5 }); })).rejects.toThrow('serveHttp(): maxBodySize must be an integer of at least 0, got 1.5');
  });
});

describe('serveHttp: failing handlers', () => {
  it('answers 500 when a handler throws, reports the crash, and serves the next request on the same connection', async () => {
    const { port, crashes } = await serve(function* (req, res) {
      if (req.path === '/boom') throw new Error('boom');
      yield* res.send(200, 'fine');
    });
    const reply = withoutDate(await exchange(port, GET('/boom') + GET('/fine', 'Connection: close\r\n')));
    expect(responses(reply)).toEqual([
      'HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 22\r\n\r\ninternal server error\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nfine',
    ]);
    expect(crashes).toEqual([new Error('boom')]);
  });

  it('closes the connection when a handler throws after its response started, and reports it', async () => {
    const { port, crashes } = await serve(function* (_req, res) {
      yield* res.start(200);
      yield* res.write('partial');
      throw new Error('late');
    });
    const reply = withoutDate(await exchange(port, GET('/') + GET('/never')));
    expect(reply).toBe('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\npartial\r\n');
    expect(crashes).toEqual([new Error('late')]);
  });

  it('answers 500 to a handler that returns without responding, and says so in the crash report', async () => {
    const { port, crashes } = await serve(function* () { /* forgets to respond */ });
    expect(await exchange(port, GET('/x', 'Connection: close\r\n'))).toMatch(/^HTTP\/1\.1 500 /);
    expect(crashes).toEqual([new Error('the handler for GET /x returned without responding')]);
  });

  it('answers an HttpError with its status and message, without a crash report', async () => {
    const { port, crashes } = await serve(function* () { throw new HttpError(403, 'not for you'); });
    expect(withoutDate(await exchange(port, GET('/', 'Connection: close\r\n')))).toBe('HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\nnot for you\n');
    expect(crashes).toEqual([]);
  });
});

describe('serveHttp: the diagnostics log', () => {
  it('has a pino record of a failing handler from logcrash, with the task and the error', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const running = await startServer(function* (req, res) {
      if (req.path === '/boom') throw new Error('boom in the handler');
      yield* res.send(200);
    }, {}, [logcrash({ logger })]);
    server = running;
    expect(await exchange(running.port, GET('/boom', 'Connection: close\r\n'))).toMatch(/^HTTP\/1\.1 500 /);
    const records = lines.map((line) => JSON.parse(line) as { msg: string; taskName: string; err: { message: string; stack: string } });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ taskName: 'serveHttp client', err: { message: 'boom in the handler' } });
    expect(records[0]!.msg).toMatch(/^task \d+ \(serveHttp client\) crashed: /);
    expect(records[0]!.err.stack).toMatch(/server\.test\.ts/);
  });
});

describe('serveHttp: counters', () => {
  it('counts handlers running, connections open and requests handled', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    const running = await serve(function* (req, res) {
      if (req.path === '/wait') yield* awaitPromise(released);
      yield* res.send(200, 'ok');
    });
    const { port, stats } = running;
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
    const client = await RawClient.connect(port);
    client.send(GET('/wait'));
    await eventually(() => stats.inFlight === 1);
    expect(stats.toJSON()).toEqual({ inFlight: 1, connections: 2, requests: 2 });
    release();
    await client.waitFor(/ok$/);
    client.close();
    await eventually(() => stats.connections === 1);
    expect(stats.toJSON()).toEqual({ inFlight: 0, connections: 1, requests: 2 });
  });
});
