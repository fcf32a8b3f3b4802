/** Shared by the redis tests: the server's port, a test proxy. */
import { Condition, sleep, spawn, type Operation, type Task } from '@curio/kernel';
import { openConnection, tcpServerSocket, type Socket } from '@curio/io';
import { INCOMPLETE, parseReply } from '@curio/redis';

/** The port of the redis-server started by redis-server-setup.cjs. */
export function redisPort(): number {
  const port = Number(process.env.CURIO_REDIS_PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error('CURIO_REDIS_PORT is not set: run these tests through jest.config.cjs (its globalSetup starts redis-server)');
  return port;
}

/**
 * A TCP proxy between one client and the redis-server that holds the server's replies
 * when told to (`hold()`) until the test releases them: `held` bytes wait, `release(n)` passes n of them on,
 * `passThrough` forwards everything. `replies` counts whole replies received from the
 * server, so a test knows when a request has been sent and answered upstream.
 */
export class HoldingProxy {
  port = 0;
  held: Buffer = Buffer.alloc(0);
  replies = 0;
  passThrough = true;
  private upstreamBuffer: Buffer = Buffer.alloc(0);
  private readonly changed = new Condition();
  private client: Socket | null = null;
  private tasks: Task[] = [];
  private listener: Socket | null = null;

  /** Listens on 127.0.0.1 and serves the first client (in background tasks). */
  *start(redis: number): Operation<void> {
    const listener = yield* tcpServerSocket('127.0.0.1', 0);
    this.listener = listener;
    this.port = (listener.getsockname() as [string, number])[1];
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the pump tasks below are generator functions
    const self = this;
    this.tasks.push(yield* spawn(function* accept() {
      const [client] = yield* listener.accept();
      self.client = client;
      const upstream = yield* openConnection('127.0.0.1', redis);
      self.tasks.push(yield* spawn(function* up() {
        for (;;) {
          const data = yield* client.recv(65536);
          if (data.length === 0) break;
          yield* upstream.sendall(data);
        }
      }));
      for (;;) {
        const data = yield* upstream.recv(65536);
        if (data.length === 0) break;
        self.countReplies(data);
        if (self.passThrough && self.held.length === 0) yield* client.sendall(data);
        else self.held = Buffer.concat([self.held, data]);
        yield* self.changed.acquire();
        self.changed.notifyAll();
        self.changed.release();
      }
    }));
  }

  /** Waits until the server has sent `count` whole replies in all. */
  *waitReplies(count: number): Operation<void> {
    yield* this.changed.acquire();
    try {
      while (this.replies < count) yield* this.changed.wait();
    } finally {
      this.changed.release();
    }
  }

  /** Passes `n` held bytes on to the client. */
  *release(n: number): Operation<void> {
    const part = this.held.subarray(0, n);
    this.held = this.held.subarray(n);
    if (part.length > 0 && this.client !== null) yield* this.client.sendall(part);
  }

  /** Passes everything held on, and everything that comes later. */
  *open(): Operation<void> {
    this.passThrough = true;
    yield* this.release(this.held.length);
  }

  /** Stops holding: later replies are held again. */
  hold(): void {
    this.passThrough = false;
  }

  *close(): Operation<void> {
    for (const t of this.tasks.reverse()) yield* t.cancel();
    this.client?.close();
    this.listener?.close();
  }

  private countReplies(data: Buffer): void {
    this.upstreamBuffer = this.upstreamBuffer.length === 0 ? data : Buffer.concat([this.upstreamBuffer, data]);
    let offset = 0;
    const need = { bytes: 0 };
    for (;;) {
      const parsed = parseReply(this.upstreamBuffer, offset, need);
      if (parsed === INCOMPLETE) break;
      offset = parsed.end;
      this.replies++;
    }
    this.upstreamBuffer = this.upstreamBuffer.subarray(offset);
  }
}

/** The number of clients connected to the server, from INFO clients. */
export function connectedClients(info: string): number {
  const match = /connected_clients:(\d+)/.exec(info);
  if (match === null) throw new Error(`no connected_clients in INFO: ${info}`);
  return Number(match[1]);
}

/**
 * A fake Redis server on 127.0.0.1 for one client: on the first request it sends `reply`,
 * then `trickle` one byte at a time (a byte every `gapMs`), stopping early once the client
 * hangs up; then it closes. `trickled` says how many trickle bytes went out before the
 * client hung up (all of them if it never did), `done` ends with the server.
 */
export function* craftedServer(reply: string, trickle: string, gapMs = 5) {
  const listener = yield* tcpServerSocket('127.0.0.1', 0);
  const port = (listener.getsockname() as [string, number])[1];
  const state = { trickled: 0, clientHungUp: false };
  const done = yield* spawn(function* () {
    const [client] = yield* listener.accept();
    try {
      yield* client.recv(65536);
      yield* client.sendall(reply);
      const watcher = yield* spawn(function* () {
        while ((yield* client.recv(65536)).length > 0) { /* requests after the first are ignored */ }
        state.clientHungUp = true;
      });
      for (const byte of trickle) {
        yield* sleep(gapMs);
        if (state.clientHungUp) break;
        try {
          yield* client.sendall(byte);
        } catch {
          break; // the client reset the connection
        }
        state.trickled++;
      }
      yield* watcher.cancel();
    } finally {
      client.close();
      listener.close();
    }
  });
  return { port, state, done };
}
