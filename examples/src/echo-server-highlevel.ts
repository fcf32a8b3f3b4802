/**
 * The seed's second echo server: the same echo handler, with `runServer` (Curio's
 * `run_server`, the same as `tcpServer`) doing the fiddly bits: the listening socket,
 * a task per client, and closing each client's socket when its handler returns.
 *
 * Run:  node examples/dist/echo-server-highlevel.js [port] [--diagnostics]   (port 25000 by default)
 * Try:  nc localhost 25000
 */
import { runServer, type Socket, type SocketAddress } from 'curio';
import { formatAddress, serverArguments, serverMain } from './support/server-main.js';

function* echoClient(client: Socket, addr: SocketAddress) {
  console.log('Connection from', formatAddress(addr));
  while (true) {
    const data = yield* client.recv(1000);
    if (data.length === 0) break;
    yield* client.sendall(data);
  }
  console.log('Connection closed');
}

const { port, diagnostics } = serverArguments('echo-server-highlevel.js [PORT] [--diagnostics]', 25000);
await serverMain(function* main() {
  yield* runServer('', port, echoClient, { onListening: (_sock, { host, port }) => console.log('Server listening at', formatAddress([host, port])) });
}, [], { diagnostics });
