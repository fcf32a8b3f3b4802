// node:http and node:https servers on 127.0.0.1 for the client's tests: the other side is
// Node's own HTTP stack, and each server counts the connections it accepted and still has.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface NodeServer {
  readonly port: number;
  readonly url: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections open now. */
  readonly open: Set<Socket>;
  /** Resolves when the server has `n` connections open or fewer. */
  openAtMost(n: number): Promise<void>;
  close(): Promise<void>;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** Starts a node:http (or, with TLS options, node:https) server answering with `handler`. */
export async function nodeServer(handler: Handler, tls?: https.ServerOptions, setup?: (server: http.Server) => void): Promise<NodeServer> {
  const server: http.Server = tls === undefined ? http.createServer(handler) : https.createServer(tls, handler);
  setup?.(server);
  const open = new Set<Socket>();
  const waiters: Array<() => void> = [];
  const state = { accepted: 0 };
  const notify = (): void => {
    for (const wake of waiters.splice(0)) wake();
  };
  server.on(tls === undefined ? 'connection' : 'secureConnection', (sock: Socket) => {
    state.accepted++;
    open.add(sock);
    sock.on('close', () => {
      open.delete(sock);
      notify();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    get accepted() { return state.accepted; },
    open,
    async openAtMost(n: number) {
      while (open.size > n) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    async close() {
      for (const sock of open) sock.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** TCP handles open in this process (client and server sockets, listeners). */
export const tcpHandles = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap' || r === 'TLSWrap').length;

/** Timers pending in this process. */
export const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

/** The count once it has stopped changing (handles closed by an earlier test leave Node's list on a later turn). */
export async function steady(count: () => number): Promise<number> {
  let last = count();
  for (let same = 0, turn = 0; same < 20 && turn < 1000; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
    const now = count();
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}

/**
 * Waits for `count` to come to `expected`: closed handles leave Node's list once libuv has run
 * their close callbacks, and a closed socket's flush may linger (up to 1 s) until the peer's
 * FIN. Polls for up to 5 s, then returns the count as it is.
 */
export async function settle(count: () => number, expected: number): Promise<number> {
  for (let turn = 0; turn < 100 && count() !== expected; turn++) await new Promise((resolve) => setImmediate(resolve));
  for (let waited = 0; waited < 5000 && count() !== expected; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
  return count();
}

/** The body of an incoming request, whole. */
export function readRequestBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const pieces: Buffer[] = [];
    req.on('data', (piece: Buffer) => pieces.push(piece));
    req.on('end', () => resolve(Buffer.concat(pieces)));
    req.on('error', reject);
  });
}
