/**
 * An HTTP/1.1 server on `serveHttp` from `@curio/http`, the public contract of the http
 * end-to-end tests and benchmark:
 *
 * | route | answer |
 * | --- | --- |
 * | `GET /`, `HEAD /` | 200, `Content-Type: text/plain`, `Hello, world!\n` |
 * | `POST /echo` | 200 with the request body, byte for byte, and its Content-Type |
 * | `GET /stream?n=N` | 200, chunked: N chunks `chunk I\n` (I from 0) |
 * | `GET /sleep?ms=N` | waits N ms, then 200 `slept N\n` |
 * | `GET /stats` | JSON `{ "inFlight", "connections", "requests" }` |
 * | anything else | 404 |
 *
 * It listens on 127.0.0.1 under `main()`: SIGTERM drains it (requests in flight finish,
 * idle connections close) and it exits with 143. Diagnostics (crash reports and the like
 * through pino) are off unless `--diagnostics` is given.
 *
 * Run:  node examples/dist/http-server.js PORT [--headers-timeout=MS] [--keep-alive-timeout=MS] [--max-body-size=BYTES] [--diagnostics]
 * Try:  curl -i http://127.0.0.1:PORT/;  curl --data-binary @file http://127.0.0.1:PORT/echo
 */
import { parseArgs } from 'node:util';
import { sleep, type Operation } from 'curio';
import { HttpError, HttpServerStats, serveHttp, type HttpHandler, type HttpRequest, type HttpResponse, type ServeHttpOptions } from '@curio/http';
import { atMost, commandLine, portNumber, wholeNumber } from './support/command-line.js';
import { formatAddress, SERVER_FLAGS, serverMain } from './support/server-main.js';

const USAGE = 'http-server.js PORT [--headers-timeout=MS] [--keep-alive-timeout=MS] [--max-body-size=BYTES] [--diagnostics]';
const HELLO = 'Hello, world!\n';
const TEXT = { 'content-type': 'text/plain' };
/** The most chunks /stream sends, and the longest /sleep sleeps: a request cannot tie the server up for ever. */
const MAX_CHUNKS = 1_000_000;
const MAX_SLEEP_MS = 3_600_000;

const stats = new HttpServerStats();

/** A whole number from the query, or a 400 naming it. */
function queryNumber(req: HttpRequest, name: string, max: number): number {
  const text = req.query.get(name);
  const n = Number(text);
  if (text === null || text === '' || !Number.isSafeInteger(n) || n < 0 || n > max) {
    throw new HttpError(400, `${req.path} needs ?${name}= a whole number from 0 to ${max}, got ${text === null ? 'none' : `'${text}'`}`);
  }
  return n;
}

/** Bodies up to this size are echoed whole, in one write; larger ones as they arrive. */
const WHOLE_ECHO = 64 * 1024;

/** The body back, byte for byte: whole when it is small, else as it arrives, framed as it came (with its length, or chunked). */
function* echo(req: HttpRequest, res: HttpResponse): Operation<void> {
  const headers: Record<string, string> = {};
  const type = req.headers.get('content-type');
  if (type !== undefined) headers['content-type'] = type;
  const { length } = req.body;
  if (length !== undefined && length <= WHOLE_ECHO) {
    yield* res.send(200, yield* req.body.readAll(), headers);
    return;
  }
  if (length !== undefined) headers['content-length'] = String(length);
  yield* res.start(200, headers);
  for (let piece = yield* req.body.read(); piece !== null; piece = yield* req.body.read()) yield* res.write(piece);
  yield* res.end();
}

function* stream(req: HttpRequest, res: HttpResponse): Operation<void> {
  const n = queryNumber(req, 'n', MAX_CHUNKS);
  yield* res.start(200, TEXT);
  for (let i = 0; i < n; i++) yield* res.write(`chunk ${i}\n`);
  yield* res.end();
}

function* slowly(req: HttpRequest, res: HttpResponse): Operation<void> {
  const ms = queryNumber(req, 'ms', MAX_SLEEP_MS);
  yield* sleep(ms);
  yield* res.send(200, `slept ${ms}\n`, TEXT);
}

/** The same answer to GET and HEAD: the server leaves out a HEAD's body. */
function* hello(_req: HttpRequest, res: HttpResponse): Operation<void> {
  yield* res.send(200, HELLO, TEXT);
}

const routes: Record<string, HttpHandler> = {
  'GET /': hello,
  'HEAD /': hello,
  'POST /echo': echo,
  'GET /stream': stream,
  'GET /sleep': slowly,
  'GET /stats': function* (_req, res) { yield* res.send(200, JSON.stringify(stats), { 'content-type': 'application/json' }); },
};

const handler: HttpHandler = function* (req, res) {
  const route = routes[`${req.method} ${req.path}`];
  if (route === undefined) yield* res.send(404, `no route for ${req.method} ${req.path}\n`, TEXT);
  else yield* route(req, res);
};

function* httpServer(port: number, options: ServeHttpOptions): Operation<void> {
  yield* serveHttp('127.0.0.1', port, handler, {
    ...options,
    stats,
    onListening: ({ host, port: bound }) => console.log('Server listening at', formatAddress([host, bound])),
  });
}

const { port, options, diagnostics } = commandLine(USAGE, () => {
  const { values, positionals } = parseArgs({
    options: { ...SERVER_FLAGS, 'headers-timeout': { type: 'string' }, 'keep-alive-timeout': { type: 'string' }, 'max-body-size': { type: 'string' } },
    allowPositionals: true,
  });
  const given = atMost(positionals, 1)[0];
  if (given === undefined) throw new RangeError('PORT is required');
  const serve: ServeHttpOptions = {};
  if (values['headers-timeout'] !== undefined) serve.headersTimeout = wholeNumber('--headers-timeout', values['headers-timeout'], 0);
  if (values['keep-alive-timeout'] !== undefined) serve.keepAliveTimeout = wholeNumber('--keep-alive-timeout', values['keep-alive-timeout'], 0);
  if (values['max-body-size'] !== undefined) serve.maxBodySize = wholeNumber('--max-body-size', values['max-body-size'], 0, 0);
  return { port: portNumber(given, 0), options: serve, diagnostics: values.diagnostics ?? false };
});
await serverMain(httpServer, [port, options], { diagnostics });
