// serveConnection over real sockets on 127.0.0.1: keep-alive, pipelining in order, the
// limits and timeouts, each answered with its status and a closed connection.
import { run, spawn, sleep, Event, Kernel, type Operation, type Task } from '@curio/kernel';
import { tcpServer, openConnection, type Socket } from '@curio/io';
import { serveConnection, type BufferedHandler, type ConnectionOptions } from '../src/connection.js';

const echo: BufferedHandler = function* ({ head, body }) {
  return { status: 200, headers: [['Content-Type', 'text/plain']], body: Buffer.from(`${head.method} ${head.target}${body.length > 0 ? ` ${body.toString('latin1')}` : ''}`) };
};

function* start(options: ConnectionOptions, handler: BufferedHandler = echo, onClientError?: (error: unknown) => void): Operation<[Task, number]> {
  let port = 0;
  const listening = new Event();
  const server = yield* spawn(tcpServer, '127.0.0.1', 0, (client: Socket) => serveConnection(client, handler, options), {
    onListening: (_sock, address) => { port = address.port; listening.set(); },
    ...(onClientError === undefined ? {} : { onClientError }),
  });
  yield* listening.wait();
  return [server, port];
}

/** Reads until the server closes the connection. */
function* readToEnd(sock: Socket): Operation<string> {
  let text = '';
  for (let data = yield* sock.recv(65536); data.length > 0; data = yield* sock.recv(65536)) text += data.toString('latin1');
  return text;
}

/** Sends `request` on a new connection and returns everything the server sent before closing. */
function exchange(request: string, options: ConnectionOptions = {}): Promise<string> {
  return run(function* () {
    const [server, port] = yield* start(options);
    using sock = yield* openConnection('127.0.0.1', port);
    yield* sock.sendall(request);
    const reply = yield* readToEnd(sock);
    yield* server.cancel();
    return reply;
  });
}

const GET = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;

describe('serveConnection', () => {
  it('answers pipelined requests in order on one kept-alive connection, and closes after Connection: close', async () => {
    const reply = await exchange(GET('/a') + 'POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz' + GET('/c', 'Connection: close\r\n'));
    expect(reply.split(/(?=HTTP\/1\.1 )/)).toEqual([
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nGET /a',
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nPOST /b xyz',
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\nConnection: close\r\n\r\nGET /c',
    ]);
  });

  it('answers a bad request with 400 naming the problem, and closes the connection', async () => {
    const reply = await exchange(GET('/ok') + 'GET / HTTP/1.1\r\nHost : x\r\n\r\n' + GET('/never'));
    expect(reply).toMatch(/^HTTP\/1\.1 200 OK[^]*GET \/okHTTP\/1\.1 400 Bad Request\r\nContent-Type: text\/plain\r\nContent-Length: \d+\r\nConnection: close\r\n\r\nwhitespace before the colon in header 'Host'/);
    expect(reply).not.toMatch(/never/);
  });

  it('answers 431 to a head over maxHeaderSize and 413 to a body over maxBodySize', async () => {
    expect(await exchange(GET('/', `X: ${'a'.repeat(2000)}\r\n`), { maxHeaderSize: 1024 })).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n[^]*Connection: close/);
    expect(await exchange('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n', { maxBodySize: 10 })).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
  });

  it('closes the last of maxRequestsPerSocket requests with Connection: close', async () => {
    const reply = await exchange(GET('/1') + GET('/2') + GET('/3'), { maxRequestsPerSocket: 2 });
    expect(reply.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
    expect(reply).toMatch(/Connection: close\r\n\r\nGET \/2$/);
  });

  it('closes an idle keep-alive connection after keepAliveTimeout, without a response', async () => {
    const reply = await exchange(GET('/a'), { keepAliveTimeout: 100 });
    expect(reply).toMatch(/^HTTP\/1\.1 200 OK[^]*GET \/a$/);
  });

  it('answers 408 and closes when a head does not arrive within headersTimeout (slowloris)', async () => {
    const reply = await exchange('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ', { headersTimeout: 100 });
    expect(reply).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n[^]*Connection: close\r\n\r\nthe request took longer than its timeout\n$/);
  });

  it('sends 100 Continue before reading the body of an Expect: 100-continue request', async () => {
    const reply = await run(function* () {
      const [server, port] = yield* start({});
      using sock = yield* openConnection('127.0.0.1', port);
      yield* sock.sendall('POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n');
      const interim = (yield* sock.recv(100)).toString('latin1');
      yield* sock.sendall('hello');
      const rest = yield* readToEnd(sock);
      yield* server.cancel();
      return [interim, rest];
    });
    expect(reply[0]).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    expect(reply[1]).toMatch(/^HTTP\/1\.1 200 OK[^]*POST \/up hello$/);
  });

  it('answers 500 when the handler throws, closes the connection, hands the error to onClientError, and serves the next client', async () => {
    const errors: unknown[] = [];
    const failing: BufferedHandler = function* ({ head }) {
      if (head.target === '/boom') throw new Error('boom');
      return { status: 200, body: Buffer.from('fine') };
    };
    const [first, second] = await run(function* () {
      const [server, port] = yield* start({}, failing, (error) => errors.push(error));
      const replies: string[] = [];
      for (const path of ['/boom', '/fine']) {
        using sock = yield* openConnection('127.0.0.1', port);
        yield* sock.sendall(GET(path, 'Connection: close\r\n'));
        replies.push(yield* readToEnd(sock));
      }
      yield* server.cancel();
      return replies;
    });
    expect(first).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n[^]*Connection: close\r\n\r\ninternal server error\n$/);
    expect(second).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*fine$/);
    expect(errors).toEqual([new Error('boom')]);
  });

  it('leaves no task and no socket behind when the server is cancelled with a connection idle and one in a handler', async () => {
    const tcpHandles = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap').length;
    const before = tcpHandles();
    const kernel = new Kernel();
    const entered = new Event();
    const slow: BufferedHandler = function* ({ head }) {
      if (head.target === '/slow') { entered.set(); yield* sleep(600_000); }
      return { status: 200 };
    };
    const result = await kernel.run(function* () {
      const [server, port] = yield* start({}, slow);
      using idle = yield* openConnection('127.0.0.1', port);
      yield* idle.sendall(GET('/quick'));
      const answered = (yield* idle.recv(65536)).toString('latin1');
      using busy = yield* openConnection('127.0.0.1', port);
      yield* busy.sendall(GET('/slow'));
      yield* entered.wait();
      const during = kernel.tasks.size;
      yield* server.cancel();
      const ends = [(yield* idle.recv(100)).length, (yield* busy.recv(100)).length];
      return { answered, during, after: kernel.tasks.size, ends };
    });
    expect(result.answered).toMatch(/^HTTP\/1\.1 200 OK/);
    // main, the server, its two client tasks (the server's own helpers may add more while serving)
    expect(result.during).toBeGreaterThanOrEqual(4);
    expect(result.after).toBe(1);
    expect(result.ends).toEqual([0, 0]);
    expect(kernel.tasks.size).toBe(0);
    // A closed handle leaves Node's list once libuv has run its close callback: let it.
    for (let turn = 0; turn < 100 && tcpHandles() !== before; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(tcpHandles()).toBe(before);
  });
});
