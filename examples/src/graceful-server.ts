/**
 * A server that handles signals the way services are expected to, with `main()` and a
 * `SignalQueue`. Each connection carries one request: a line in, the line upper-cased
 * back, then the server closes it.
 * - SIGHUP and SIGUSR1 go into a `SignalQueue` that a background task reads and reports
 *   (a real server would reload its configuration on SIGHUP).
 * - SIGTERM (or Ctrl-C) cancels the main task: it stops accepting, lets the clients it
 *   already has finish their request (for up to 10 seconds, then cancels them), and the
 *   process exits with 143 (130 after Ctrl-C). A second signal exits at once.
 *
 * Run:  node examples/dist/graceful-server.js [port]   (port 25000 by default)
 * Try:  echo hello | nc localhost 25000;  kill -HUP <pid>;  kill -TERM <pid>
 */
import { CancelledError, currentTask, ignoreAfter, main, SignalQueue, spawn, tcpServerSocket, type Socket, type SocketAddress, type Task } from 'curio';
import { parseArgs } from 'node:util';
import { atMost, commandLine, portNumber } from './support/command-line.js';
import { formatAddress } from './support/server-main.js';

/** How long clients in flight get to finish once the server is asked to stop. */
const GRACE_MS = 10_000;

/** The clients being served right now. */
const clients = new Set<Task>();

function* reportSignals() {
  using signals = new SignalQueue('SIGHUP', 'SIGUSR1');
  console.log(`Watching SIGHUP and SIGUSR1 (pid ${process.pid})`);
  while (true) {
    const signal = yield* signals.get();
    if (signal === 'SIGHUP') console.log('Got SIGHUP: reloading the configuration');
    else console.log(`Got SIGUSR1: ${clients.size} client(s) in flight`);
  }
}

function* serveRequest(client: Socket, address: SocketAddress) {
  const me = yield* currentTask();
  clients.add(me);
  console.log('Connection from', formatAddress(address));
  try {
    using conn = client;
    const stream = conn.asStream();
    const request = yield* stream.readline();
    yield* stream.write(request.toString().toUpperCase());
  } finally {
    clients.delete(me);
    console.log('Connection closed');
  }
}

function* waitForClients() {
  for (const client of [...clients]) yield* client.wait();
}

function* gracefulServer(port: number) {
  yield* spawn.with({ daemon: true })(reportSignals);
  using listener = yield* tcpServerSocket('', port);
  console.log('Server listening at', formatAddress(listener.getsocknameInet()));
  try {
    while (true) {
      const [client, address] = yield* listener.accept();
      yield* spawn(serveRequest, client, address);
    }
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    // Asked to stop: no new clients, but those in flight get their answer.
    listener.close();
    console.log(`Stopped accepting; finishing ${clients.size} client(s)`);
    yield* ignoreAfter(GRACE_MS, waitForClients());
    for (const client of [...clients]) yield* client.cancel();
    console.log('All clients done');
    throw e;
  }
}

const port = commandLine('graceful-server.js [PORT]', () => portNumber(atMost(parseArgs({ allowPositionals: true }).positionals, 1)[0], 25000));
await main(gracefulServer, {
  args: [port],
  onShutdown: (signal) => console.log(`Server shutting down (${signal})`),
});
