/**
 * Baseline of the HTTP benchmark: the `node:http` server a Node programmer writes first,
 * with the benchmark's two routes (routes.ts). Run as `node dist/http/node-http-server.js
 * <port>`; prints `Server listening at ('', <port>)` once bound on 127.0.0.1.
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { boundPort, listeningLine, portArgument } from '../echo/server-args.js';
import { DEFAULT_CONTENT_TYPE, ECHO_PATH, HELLO } from './routes.js';

const HELLO_LENGTH = Buffer.byteLength(HELLO);

function echo(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    res.writeHead(200, { 'content-type': req.headers['content-type'] ?? DEFAULT_CONTENT_TYPE, 'content-length': body.length });
    res.end(body);
  });
}

const server = createServer((req, res) => {
  if (req.url === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': HELLO_LENGTH });
    res.end(HELLO);
  } else if (req.url === ECHO_PATH && req.method === 'POST') {
    echo(req, res);
  } else {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('Not Found\n');
  }
});
server.listen(portArgument(process.argv.slice(2)), '127.0.0.1', () => console.log(listeningLine(boundPort(server))));
process.once('SIGTERM', () => process.exit(0));
