/**
 * Baseline 2 of the echo benchmark: the async-function echo server modern Node code
 * would write (`for await (const chunk of socket)`, awaiting 'drain' on backpressure).
 * Run as `node dist/echo/async-iterator-server.js <port>`; prints
 * `Server listening at ('', <port>)` once bound, like the Curio example.
 * @packageDocumentation
 */
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { boundPort, listeningLine, portArgument } from './server-args.js';

async function echo(socket: Socket): Promise<void> {
  try {
    for await (const chunk of socket) {
      if (!socket.write(chunk as Buffer)) await once(socket, 'drain');
    }
    socket.end();
  } catch {
    // A peer that resets mid-stream is not the server's problem.
    socket.destroy();
  }
}

const port = portArgument(process.argv.slice(2));
const server = createServer((socket) => void echo(socket));
server.listen(port, () => console.log(listeningLine(boundPort(server))));
process.once('SIGTERM', () => process.exit(0));
