// Shared helpers for the socket, stream and network tests: real sockets on 127.0.0.1,
// ports from binding port 0, Unix socket paths under os.tmpdir().
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sleep, awaitPromise, type Operation, type Task } from '@curio/kernel';
import { socket, AF_INET, AF_INET6, SOCK_STREAM, type Socket, type AddressFamily } from '../src/index.js';

let pathCounter = 0;

/** A fresh Unix socket path in the temp directory (not created). */
export function tmpSocketPath(): string {
  return path.join(os.tmpdir(), `curio-io-${process.pid}-${Date.now()}-${++pathCounter}.sock`);
}

/** Waits (yielding to the event loop) until `predicate` holds. */
export function* until(predicate: () => boolean): Operation<void> {
  while (!predicate()) yield* sleep(1);
}

/** Waits until `task` is parked in `state` (e.g. 'READ_WAIT'). */
export function* parkedIn(task: Task, state: string): Operation<void> {
  yield* until(() => task.state === state);
}

/** A listening TCP socket on `host` with an ephemeral port; returns it and its port. */
export function* listener(host = '127.0.0.1', family: AddressFamily = AF_INET, backlog = 16): Operation<[Socket, number]> {
  const server = socket(family, SOCK_STREAM);
  yield* server.bind([host, 0]);
  yield* server.listen(backlog);
  const [, port] = server.getsockname() as [string, number];
  return [server, port];
}

/** A connected pair over TCP on 127.0.0.1: `[client, serverSide, listeningSocket]`. */
export function* tcpPair(): Operation<[Socket, Socket, Socket]> {
  const [server, port] = yield* listener();
  const client = socket(AF_INET, SOCK_STREAM);
  yield* client.connect(['127.0.0.1', port]);
  const [peer] = yield* server.accept();
  return [client, peer, server];
}

/** Whether this machine can listen on IPv6 loopback (::1). */
export function ipv6Available(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ host: '::1', port: 0 }, () => s.close(() => resolve(true)));
  });
}

/** A port that nothing listens on, for ECONNREFUSED tests: the workspace's one helper. */
export { freePort } from '../../../tools/scripts/free-port.cjs';

/** The family constant for an IPv6 test. */
export const INET6: AddressFamily = AF_INET6;

/** How many connections a `net.Server` counts (`getConnections`). */
export function connectionsOf(srv: net.Server): Promise<number> {
  return new Promise<number>((resolve, reject) => srv.getConnections((e, n) => (e ? reject(e) : resolve(n))));
}

/** How many connections the listening socket's `net.Server` counts, inside a task. */
export function* serverConnections(server: Socket): Operation<number> {
  return yield* awaitPromise(connectionsOf(server.nodeSocket as net.Server));
}
