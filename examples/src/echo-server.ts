/**
 * The seed's echo server (Curio's `echoserv.py`), line for line: a listening socket, an
 * accept loop, and a task per client that echoes what it receives.
 *
 * Run:  node examples/dist/echo-server.js [port] [--diagnostics]   (port 25000 by default)
 * Try:  nc localhost 25000
 *
 * Not in the seed (see support/server-main.ts): Ctrl-C or SIGTERM shuts the server down
 * cleanly, SIGUSR2 prints a `stats {...}` line, `--diagnostics` logs task lifecycles.
 */
import { spawn, socket, AF_INET, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR, type Socket, type SocketAddress } from 'curio';
import { formatAddress, serverArguments, serverMain } from './support/server-main.js';

function* echoServer(address: [string, number]) {
  using sock = socket(AF_INET, SOCK_STREAM);
  sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  yield* sock.bind(address);
  yield* sock.listen(5);
  // The address bound: with port 0 the system picks the port.
  console.log('Server listening at', formatAddress(sock.getsocknameInet()));
  while (true) {
    const [client, addr] = yield* sock.accept();
    yield* spawn(echoClient, client, addr);
  }
}

function* echoClient(client: Socket, addr: SocketAddress) {
  console.log('Connection from', formatAddress(addr));
  {
    using conn = client;
    while (true) {
      const data = yield* conn.recv(1000);
      if (data.length === 0) break;
      yield* conn.sendall(data);
    }
  }
  console.log('Connection closed');
}

const { port, diagnostics } = serverArguments('echo-server.js [PORT] [--diagnostics]', 25000);
await serverMain(echoServer, [['', port]], { diagnostics });
