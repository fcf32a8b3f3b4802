/**
 * A Fibonacci server (after Curio's `fibserve.py`): a line `fib N` is answered with the
 * N-th Fibonacci number, computed in the thread pool by `runInThread`, so the kernel
 * never stalls; any other line is echoed back. While some clients wait for big
 * Fibonacci numbers, the others keep echoing without delay.
 *
 * Run:  node examples/dist/fib-server.js [port] [--diagnostics]   (port 25000 by default)
 * Try:  nc localhost 25000, then type `fib 35` and `hello`
 */
import { runServer, runInThread, tcpServerSocket, type Socket, type SocketAddress } from 'curio';
import { fib } from './support/fib.js';
import { formatAddress, serverArguments, serverMain } from './support/server-main.js';

/** The largest N served: fib(45) takes several seconds even in a thread. */
const MAX_N = 45;

function* fibClient(client: Socket, addr: SocketAddress) {
  console.log('Connection from', formatAddress(addr));
  const stream = client.asStream();
  for (;;) {
    const line = yield* stream.readline();
    if (line.length === 0) break;
    const request = /^fib (\d+)\r?\n?$/.exec(line.toString('latin1'));
    if (request === null) {
      yield* stream.write(line);
      continue;
    }
    const n = Number(request[1]);
    const answer = n > MAX_N ? `error: N must be at most ${MAX_N}, got ${n}` : String(yield* runInThread(fib, n));
    yield* stream.write(`${answer}\n`);
  }
  console.log('Connection closed');
}

function* fibServer(port: number) {
  const sock = yield* tcpServerSocket('', port);
  console.log('Server listening at', formatAddress(sock.getsocknameInet()));
  yield* runServer(sock, fibClient);
}

const { port, diagnostics } = serverArguments('fib-server.js [PORT] [--diagnostics]', 25000);
await serverMain(fibServer, [port], { diagnostics });
