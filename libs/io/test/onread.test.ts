/**
 * Stream sockets read through Node's `onread` option (onread.ts): every socket shares one
 * receive buffer, so each read must be copied out; accepted connections move into a
 * socket of our own; a detached socket goes back to being a plain Node stream.
 */
import net from 'node:net';
import { run, spawn, sleep, awaitPromise, type Operation } from '@curio/kernel';
import { socket, AF_UNIX, SOCK_STREAM } from '../src/index.js';
import { ReadFeed, takeOverAccepted } from '../src/socket/onread.js';
import { listener, tcpPair, tmpSocketPath, serverConnections, connectionsOf } from './net-helpers.js';

/** `size` bytes in which any chunk out of place shows: byte i is (7i + i / 2048) mod 256. */
function patterned(size: number): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (i * 7 + (i >> 11)) & 0xff;
  return data;
}

/** Resolves with the next `'data'` chunk of a plain Node stream. */
function nextData(raw: net.Socket): Promise<string> {
  return new Promise((resolve) => raw.once('data', (chunk: Buffer) => resolve(chunk.toString())));
}

describe('reads through onread', () => {
  it('each recv returns bytes of its own: later reads, small or in bulk, on this or other sockets, do not overwrite them', async () => {
    const bulk = patterned(1024 * 1024);
    const out = await run(function* () {
      const [clientA, peerA, server] = yield* tcpPair();
      const clientB = socket();
      const [, port] = server.getsockname() as [string, number];
      yield* clientB.connect(['127.0.0.1', port]);
      const [peerB] = yield* server.accept();
      const kept: Buffer[] = [];
      /** Small messages both ways on both connections; every Buffer received is kept. */
      function* exchange(tag: string): Operation<void> {
        yield* clientA.sendall(`${tag} first from A`);
        kept.push(yield* peerA.recv(100));
        yield* clientB.sendall(`${tag} from B, longer than the others`);
        kept.push(yield* peerB.recv(100));
        yield* clientA.sendall(`${tag} second A`);
        kept.push(yield* peerA.recv(100));
        yield* peerA.sendall(`${tag} reply`);
        kept.push(yield* clientA.recv(100));
      }
      yield* exchange('before');
      // Reads of 16 KiB or more move peerA to buffers of its own, handed out without a copy.
      const reading = yield* spawn(function* () {
        const chunks: Buffer[] = [];
        for (let got = 0; got < bulk.length; ) {
          const chunk = yield* peerA.recv(65536);
          chunks.push(chunk);
          got += chunk.length;
        }
        return chunks;
      });
      yield* clientA.sendall(bulk);
      const bulkChunks = yield* reading.join();
      // Small reads again: peerA goes back to the shared buffer.
      yield* exchange('after');
      for (const s of [clientA, clientB, peerA, peerB, server]) s.close();
      return { small: kept.map((b) => b.toString()), bulkIntact: Buffer.concat(bulkChunks).equals(bulk), largest: Math.max(...bulkChunks.map((c) => c.length)) };
    });
    const small = (tag: string): string[] => [`${tag} first from A`, `${tag} from B, longer than the others`, `${tag} second A`, `${tag} reply`];
    expect(out.small).toEqual([...small('before'), ...small('after')]);
    expect(out.bulkIntact).toBe(true);
    expect(out.largest).toBeGreaterThanOrEqual(16 * 1024);
  });

  it('carries 4 MiB each way byte for byte, over TCP and over a Unix socket', async () => {
    const size = 4 * 1024 * 1024;
    const data = patterned(size);
    const path = tmpSocketPath();
    const out = await run(function* () {
      const results: boolean[] = [];
      const [tcpClient, tcpPeer, tcpServer] = yield* tcpPair();
      const unixServer = socket(AF_UNIX, SOCK_STREAM);
      yield* unixServer.bind(path);
      yield* unixServer.listen(4);
      const unixClient = socket(AF_UNIX, SOCK_STREAM);
      yield* unixClient.connect(path);
      const [unixPeer] = yield* unixServer.accept();
      for (const [from, to] of [[tcpClient, tcpPeer], [tcpPeer, tcpClient], [unixClient, unixPeer], [unixPeer, unixClient]] as const) {
        const reading = yield* spawn(function* () {
          return yield* to.asStream().readExactly(size);
        });
        yield* from.sendall(data);
        results.push((yield* reading.join()).equals(data));
      }
      for (const s of [tcpClient, tcpPeer, tcpServer, unixClient, unixPeer, unixServer]) s.close();
      return results;
    });
    expect(out).toEqual([true, true, true, true]);
  });

  it("the listener's net.Server counts an accepted connection until it is closed", async () => {
    const counts = await run(function* () {
      const [server, port] = yield* listener();
      const client = socket();
      yield* client.connect(['127.0.0.1', port]);
      const [peer] = yield* server.accept();
      const open = yield* serverConnections(server);
      peer.close();
      // close() ends the connection gracefully: ours is destroyed, and counted down, once that is done.
      let closed = open;
      while (closed !== 0) {
        yield* sleep(1);
        closed = yield* serverConnections(server);
      }
      client.close();
      server.close();
      return [open, closed];
    });
    expect(counts).toEqual([1, 0]);
  });

  it('a detached socket is a plain Node stream again: unread bytes, then new ones, arrive as data, and pause holds them', async () => {
    const out = await run(function* () {
      const [client, peer, server] = yield* tcpPair();
      yield* client.sendall('unread');
      // Read two bytes: the rest of the chunk stays buffered in the reader.
      const head = yield* peer.asStream().readExactly(2);
      const raw = peer.detach();
      // detach() leaves the stream paused, as a socket handed over should be.
      const unread = nextData(raw);
      raw.resume();
      const first = yield* awaitPromise(unread);
      raw.pause();
      yield* client.sendall('while paused');
      // Paused: the bytes wait in the kernel (or Node's buffer) and no 'data' is emitted.
      let early = '';
      const onEarly = (chunk: Buffer): void => {
        early += chunk.toString();
      };
      raw.on('data', onEarly);
      yield* awaitPromise(new Promise((done) => setTimeout(done, 50)));
      const duringPause = early;
      raw.off('data', onEarly);
      const later = nextData(raw);
      raw.resume();
      const second = yield* awaitPromise(later);
      raw.destroy();
      client.close();
      server.close();
      return { head: head.toString(), first, duringPause, second };
    });
    expect(out).toEqual({ head: 'un', first: 'read', duringPause: '', second: 'while paused' });
  });
});

describe('takeOverAccepted', () => {
  it('leaves a socket without a handle as it is, reading through data events', () => {
    const unconnected = new net.Socket();
    const feed = new ReadFeed();
    expect(takeOverAccepted(unconnected, feed)).toBe(unconnected);
    expect(feed.stream).toBeNull();
    unconnected.destroy();
  });

  it("lets Node's accepted socket go at once: the server counts ours, and close() waits for it", async () => {
    const server = net.createServer({ pauseOnConnect: true });
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    const nodeSocket = await accepted;
    const raw = takeOverAccepted(nodeSocket, new ReadFeed());
    let closed = false;
    try {
      expect(raw).not.toBe(nodeSocket);
      expect(nodeSocket.destroyed).toBe(true);
      expect(await connectionsOf(server)).toBe(1);
      // No sink: what the connection reads is pushed into the stream.
      const echoed = new Promise<string>((resolve) => client.once('data', (chunk: Buffer) => resolve(chunk.toString())));
      raw.on('data', (chunk: Buffer) => raw.write(chunk));
      // Taken over paused, as the acceptor's connections are: nothing is read until resumed.
      raw.resume();
      client.write('ping');
      expect(await echoed).toBe('ping');
      server.close(() => (closed = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(closed).toBe(false);
      // destroy() counts the connection down at once; the server's 'close' follows.
      raw.destroy();
      expect(await connectionsOf(server)).toBe(0);
      await new Promise((resolve) => setImmediate(resolve));
      expect(closed).toBe(true);
    } finally {
      raw.destroy();
      client.destroy();
      if (server.listening) server.close();
    }
  });
});
