/**
 * The baseline of the TLS benchmark: the `node:tls` callback echo server a Node
 * programmer would write first (`tls.createServer`, a `'data'` handler writing the chunk
 * back, pausing on backpressure). `node dist/tls/node-tls-server.js <port> --cert=F --key=F`.
 * @packageDocumentation
 */
import { createServer, type TLSSocket } from 'node:tls';
import { boundPort, listeningLine } from '../echo/server-args.js';
import { tlsServerArgs } from './server-options.js';

function echo(socket: TLSSocket): void {
  socket.on('data', (chunk: Buffer) => {
    if (!socket.write(chunk)) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
  });
  socket.on('error', () => socket.destroy());
}

const { port, cert, key } = tlsServerArgs(process.argv.slice(2));
const server = createServer({ cert, key }, echo);
// A client that gives up mid-handshake is not the server's problem.
server.on('tlsClientError', () => {});
server.listen(port, () => console.log(listeningLine(boundPort(server))));
process.once('SIGTERM', () => process.exit(0));
