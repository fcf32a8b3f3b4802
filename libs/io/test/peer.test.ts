import net from 'node:net';
import { run } from '@curio/kernel';
import { socket, AF_INET, SOCK_STREAM } from '../src/index.js';
import { peerNameOf } from '../src/socket/peer.js';

describe('peer addresses', () => {
  it('accept() reports the peer without adding a _peername to the Node socket', async () => {
    const seen = await run(function* () {
      const server = socket(AF_INET, SOCK_STREAM);
      yield* server.bind(['127.0.0.1', 0]);
      yield* server.listen(5);
      const client = socket(AF_INET, SOCK_STREAM);
      yield* client.connect(['127.0.0.1', (server.getsockname() as [string, number])[1]]);
      const [peer, addr] = yield* server.accept();
      // A socket Node has cached its peer on has another shape, which slows Node's stream
      // code for every socket afterwards (see peer.ts).
      const result = { addr, clientName: client.getsockname(), peerPeer: peer.getpeername(), cached: Object.hasOwn(peer.nodeSocket as object, '_peername') };
      client.close();
      peer.close();
      server.close();
      return result;
    });
    expect(seen.addr).toEqual(seen.clientName);
    expect(seen.peerPeer).toEqual(seen.clientName);
    expect(seen.cached).toBe(false);
  });

  it('peerNameOf falls back to the public getters for a socket without a connected handle', () => {
    const unconnected = new net.Socket();
    expect(peerNameOf(unconnected)).toEqual({ address: undefined, port: undefined, family: undefined });
    unconnected.destroy();
  });
});
