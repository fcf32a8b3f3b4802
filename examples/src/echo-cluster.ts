/**
 * The seed's echo server on every core: `runCluster` starts one worker process per core
 * (or `--workers=N`), each running the seed's accept loop in its own kernel on the same
 * port. SIGTERM or Ctrl-C stops them gracefully: they stop accepting, let every open
 * connection finish, and exit; a worker that dies is replaced.
 *
 * Run:  node examples/dist/echo-cluster.js [port] [--workers=N]   (port 25000 by default)
 * Try:  nc localhost 25000
 */
import { runCluster, spawn, socket, AF_INET, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR, type Socket, type SocketAddress } from 'curio';
import { parseArgs } from 'node:util';
import { atMost, commandLine, portNumber, wholeNumber } from './support/command-line.js';
import { formatAddress } from './support/server-main.js';

function* echoServer(address: [string, number]) {
  using sock = socket(AF_INET, SOCK_STREAM);
  sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  yield* sock.bind(address);
  yield* sock.listen(5);
  console.log(`Server listening at ${formatAddress(sock.getsocknameInet())} (pid ${process.pid})`);
  while (true) {
    const [client, addr] = yield* sock.accept();
    yield* spawn(echoClient, client, addr);
  }
}

function* echoClient(client: Socket, _addr: SocketAddress) {
  using conn = client;
  while (true) {
    const data = yield* conn.recv(1000);
    if (data.length === 0) break;
    yield* conn.sendall(data);
  }
}

const { port, workers } = commandLine('echo-cluster.js [PORT] [--workers=N]', () => {
  const { values, positionals } = parseArgs({ options: { workers: { type: 'string' } }, allowPositionals: true });
  // No --workers: runCluster's default, one per core.
  const workers = values.workers === undefined ? undefined : wholeNumber('--workers', values.workers, 1);
  return { port: portNumber(atMost(positionals, 1)[0], 25000), workers };
});

await runCluster(echoServer, { args: [['', port]], workers });
