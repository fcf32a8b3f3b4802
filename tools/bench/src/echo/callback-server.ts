/**
 * Baseline 1 of the echo benchmark: the plain `node:net` callback echo server a Node
 * programmer would write first ('data' handler writing the chunk back, pausing on
 * backpressure). Run as `node dist/echo/callback-server.js <port>`; prints
 * `Server listening at ('', <port>)` once bound, like the Curio example.
 * @packageDocumentation
 */
import { createServer, type Socket } from 'node:net';
import { boundPort, listeningLine, portArgument } from './server-args.js';

function echo(socket: Socket): void {
  socket.on('data', (chunk: Buffer) => {
    // Backpressure: stop reading until the peer has taken what we wrote.
    if (!socket.write(chunk)) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
  });
  // A peer that resets mid-stream is not the server's problem.
  socket.on('error', () => socket.destroy());
}

const port = portArgument(process.argv.slice(2));
const server = createServer(echo);
server.listen(port, () => console.log(listeningLine(boundPort(server))));
process.once('SIGTERM', () => process.exit(0));
