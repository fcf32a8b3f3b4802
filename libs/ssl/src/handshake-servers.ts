/**
 * {@link HandshakeServers}: the `tls.Server` objects that run the server side of
 * handshakes that ask for a client certificate (mutual TLS; other server handshakes need
 * no `tls.Server`).
 *
 * Node verifies a client's certificate only for connections handed to a `tls.Server`
 * (its `'connection'` event), and reports the outcome through the server's
 * `'secureConnection'` and `'tlsClientError'` events, which do not say which raw
 * connection they are about. So each handshake borrows a server of its own from this
 * pool (none of them ever listens) and gives it back when the handshake is over: the
 * events on a borrowed server are always about its one connection. Creating a server
 * costs about as much as one handshake, and happens only when more handshakes run at
 * once than ever before.
 * @packageDocumentation
 */
import tls from 'node:tls';

/** Servers kept for reuse; beyond that, a burst's extra servers are left to the GC. */
const MAX_IDLE = 64;

/** @internal A pool of non-listening `tls.Server`s made with the same options. */
export class HandshakeServers {
  private idle: tls.Server[] = [];
  private closed = false;

  constructor(private readonly options: tls.TlsOptions) {}

  /** A server with no handshake in progress. */
  take(): tls.Server {
    return this.idle.pop() ?? new tls.Server(this.options);
  }

  /** Returns a server whose handshake is over (it has emitted its last event for it). */
  give(server: tls.Server): void {
    if (!this.closed && this.idle.length < MAX_IDLE) this.idle.push(server);
  }

  /** The context's settings changed: servers made with the old ones are not reused. */
  close(): void {
    this.closed = true;
    this.idle = [];
  }
}
