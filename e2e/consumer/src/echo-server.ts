// The seed's echo server as a project outside the workspace writes it: it depends on the
// packed `curio` package and is type-checked with tsc's strict defaults (skipLibCheck
// off, so the published .d.ts files are checked too). Port from argv (0: any free port).
import { run, spawn, socket, AF_INET, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR, type Socket, type SocketAddress } from 'curio';

function* echoServer(address: [string, number]) {
  using sock = socket(AF_INET, SOCK_STREAM);
  sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  yield* sock.bind(address);
  yield* sock.listen(5);
  const [, port] = sock.getsocknameInet();
  console.log('Server listening at port', port);
  while (true) {
    const [client, addr] = yield* sock.accept();
    yield* spawn(echoClient, client, addr);
  }
}

function* echoClient(client: Socket, addr: SocketAddress) {
  console.log('Connection from', addr);
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

await run(echoServer, { args: [['127.0.0.1', Number(process.argv[2] ?? 0)]] });
