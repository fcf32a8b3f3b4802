/**
 * The accept loop behind {@link tcpServer}, {@link unixServer} and {@link runServer}:
 * each client in its own task, (TLS,) the handler, then close; the server's limits
 * (`maxConnections`, `handshakeTimeout`) and the default report of a failed client.
 * @packageDocumentation
 * @internal
 */
import { CancelledError, currentTask, disableCancellation, reportCrashToStderr, spawn, type Operation, type Task, describeValue } from '@curio/kernel';
import { AF_UNIX } from '../constants.js';
import { formatAddress, type SocketAddress } from '../address.js';
import type { Socket } from './socket.js';
import { IOError } from '../io-error.js';
import { checkSslOptions, type ClientHandler, type ListeningAddress, type ServeOptions, type SslWrapper } from './network.js';

/** The default {@link ServeOptions.handshakeTimeout}. */
const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

/** How one failed client is reported, from inside its task. */
type Report = (error: unknown, address: SocketAddress, task: Task) => void;

/** What every client task of one server shares. */
interface ClientSetup {
  handler: ClientHandler;
  ssl: SslWrapper | null;
  handshakeTimeout: number;
  report: Report;
  clients: Set<Task>;
}

/** @internal Throws a clear TypeError for a handler or a server option that cannot work. */
export function checkServe(name: string, handler: unknown, options: ServeOptions<never> | undefined): void {
  if (typeof handler !== 'function') throw new TypeError(`${name}(): the client handler must be a generator function, got ${describeValue(handler)}`);
  checkSslOptions(name, options?.ssl, undefined);
  const { handshakeTimeout, maxConnections, clientName } = options ?? {};
  if (handshakeTimeout !== undefined && (typeof handshakeTimeout !== 'number' || !(handshakeTimeout > 0))) {
    throw new TypeError(`${name}(): handshakeTimeout must be a positive number of ms (or Infinity), got ${describeValue(handshakeTimeout)}`);
  }
  if (maxConnections !== undefined && maxConnections !== Infinity && !(Number.isInteger(maxConnections) && maxConnections > 0)) {
    throw new TypeError(`${name}(): maxConnections must be a positive integer (or Infinity), got ${describeValue(maxConnections)}`);
  }
  if (clientName !== undefined && typeof clientName !== 'string' && typeof clientName !== 'function') {
    throw new TypeError(`${name}(): clientName must be a string or a function of the client's address, got ${describeValue(clientName)}`);
  }
}

/**
 * @internal Accepts until cancelled; each client in its own task; on the way out,
 * cancels and waits for them.
 */
export function* serve<A extends ListeningAddress>(sock: Socket, handler: ClientHandler, options: ServeOptions<A>, name: string): Operation<never> {
  const clients = new Set<Task>();
  const onClientError = options.onClientError;
  const setup: ClientSetup = {
    handler,
    ssl: options.ssl ?? null,
    handshakeTimeout: options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
    report: onClientError === undefined ? defaultReport(name) : (error, address) => onClientError(error, address),
    clients,
  };
  const maxConnections = options.maxConnections ?? Infinity;
  const clientName = options.clientName ?? `${name} client`;
  let rejected = 0;
  try {
    options.onListening?.(sock, listeningAddress(sock) as A);
    for (;;) {
      const [client, address] = yield* sock.accept();
      if (clients.size >= maxConnections) {
        client.close();
        options.onReject?.(address, ++rejected);
        continue;
      }
      const taskName = typeof clientName === 'string' ? clientName : clientName(address);
      clients.add(yield* spawn.with({ name: taskName })(runClient, client, address, setup));
    }
  } finally {
    sock.close();
    if (clients.size > 0) {
      // Cleanup is not itself interrupted: every client task is gone when this returns.
      yield* disableCancellation(function* () {
        const running = [...clients];
        for (const task of running) yield* task.cancel({ blocking: false });
        for (const task of running) yield* task.wait();
      });
    }
  }
}

/** One client's task: (TLS,) the handler, then close; failures reported, not raised. */
function* runClient(client: Socket, address: SocketAddress, setup: ClientSetup): Operation<void> {
  const self = yield* currentTask();
  let sock = client;
  try {
    if (setup.ssl !== null) sock = yield* setup.ssl.wrapSocket(client, { serverSide: true, handshakeTimeout: setup.handshakeTimeout });
    const op = setup.handler(sock, address);
    if (typeof op !== 'object' || op === null || typeof (op as Operation<unknown>).next !== 'function') {
      throw new TypeError('the client handler must be a generator function (function*) returning an Operation');
    }
    yield* op;
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    setup.report(error, address, self);
  } finally {
    sock.close();
    if (sock !== client) client.close();
    setup.clients.delete(self);
  }
}

/** Where `sock` listens, for {@link ServeOptions.onListening}. */
function listeningAddress(sock: Socket): ListeningAddress {
  if (sock.family === AF_UNIX) return { path: sock.getsockname() as string };
  const [host, port] = sock.getsocknameInet();
  return { host, port };
}

/**
 * Error codes of a peer that went away (reset, vanished, timed out), or that closed or
 * stalled its TLS handshake (a port scanner, a TCP health check): routine for a server,
 * so reported in one line rather than with a stack.
 */
const PEER_GONE = new Set([
  'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETRESET',
  'ERR_SSL_UNEXPECTED_EOF_WHILE_READING', 'ERR_TLS_HANDSHAKE_TIMEOUT',
]);

/**
 * The default {@link ServeOptions.onClientError}: a peer that went away in one line; any
 * other failure to the kernel's crash reporter when one was installed (as `logcrash`
 * does), else to stderr with its stack.
 */
function defaultReport(name: string): Report {
  return (error, address, task) => {
    const client = formatAddress(address) || '(unix)';
    if (error instanceof IOError && PEER_GONE.has(error.code)) {
      console.error(`${name}: client ${client} went away: ${error.code} (${error.message})`);
      return;
    }
    const reporter = task.kernel.crashReporter;
    if (reporter !== null && reporter !== reportCrashToStderr) reporter(task, error);
    else console.error(`${name}: the handler for client ${client} failed:`, error);
  };
}
