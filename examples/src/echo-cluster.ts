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
import { formatAddress, portArgument } from './support/server-main.js';

function* echoServer(address: [string, number]) {
  using sock = socket(AF_INET, SOCK_STREAM);
  sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  yield* sock.bind(address);
  yield* sock.listen(5);
  console.log(`Server listening at ${formatAddress(address)} (pid ${process.pid})`);
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

const argv = process.argv.slice(2);
const workersFlag = argv.find((a) => a.startsWith('--workers='));
const workers = workersFlag === undefined ? undefined : Number(workersFlag.slice('--workers='.length));

await runCluster(echoServer, { args: [['', portArgument(argv, 25000)]], workers });
