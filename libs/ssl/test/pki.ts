// Certificates made at test time, once per test file: a test CA, another CA nobody
// trusts, server certificates (good, expired, for another name) and client certificates.
import { run, spawn, sleep, Event, type Operation, type Task } from '@curio/kernel';
import { tcpServer, type ClientHandler, type Socket, type SocketAddress, type TcpServerOptions } from '@curio/io';
import {
  createCertificateAuthority, createDefaultContext, Purpose, CERT_REQUIRED, type CertificateAndKey, type CertificateAuthority, type SSLContext,
} from '../src/index.js';

export interface Pki {
  ca: CertificateAuthority;
  otherCa: CertificateAuthority;
  server: CertificateAndKey;
  expired: CertificateAndKey;
  wrongName: CertificateAndKey;
  client: CertificateAndKey;
  otherClient: CertificateAndKey;
}

const DAY = 24 * 60 * 60 * 1000;

export function makePki(): Promise<Pki> {
  return run(function* () {
    const ca = yield* createCertificateAuthority({ commonName: 'Curio Test CA' });
    const otherCa = yield* createCertificateAuthority({ commonName: 'Untrusted CA' });
    const server = yield* ca.issueCertificate({ commonName: 'localhost' });
    const expired = yield* ca.issueCertificate({ commonName: 'localhost', notBefore: new Date(Date.now() - 10 * DAY), notAfter: new Date(Date.now() - DAY) });
    const wrongName = yield* ca.issueCertificate({ commonName: 'example.com', altNames: ['example.com'] });
    const client = yield* ca.issueCertificate({ commonName: 'alice', purpose: 'client' });
    const otherClient = yield* otherCa.issueCertificate({ commonName: 'mallory', purpose: 'client' });
    return { ca, otherCa, server, expired, wrongName, client, otherClient };
  });
}

/** A server context presenting `cert`. */
export function serverContext(cert: CertificateAndKey): SSLContext {
  const ctx = createDefaultContext(Purpose.CLIENT_AUTH);
  ctx.loadCertChain(cert.cert, cert.key);
  return ctx;
}

/** A client context trusting `ca`. */
export function clientContext(ca: { cert: string }): SSLContext {
  return createDefaultContext(Purpose.SERVER_AUTH, { cadata: ca.cert });
}

/** A server context presenting `cert` that requires a client certificate issued by `ca` (mutual TLS). */
export function mutualServerContext(cert: CertificateAndKey, ca: { cert: string }): SSLContext {
  const ctx = serverContext(cert);
  ctx.verifyMode = CERT_REQUIRED;
  ctx.loadVerifyLocations(ca.cert);
  return ctx;
}

/** A client context trusting `ca` and presenting the client certificate `identity`. */
export function clientContextWith(ca: { cert: string }, identity: CertificateAndKey): SSLContext {
  const ctx = clientContext(ca);
  ctx.loadCertChain(identity.cert, identity.key);
  return ctx;
}

/** Waits (yielding to the event loop) until `predicate` holds. */
export function* until(predicate: () => boolean): Operation<void> {
  while (!predicate()) yield* sleep(1);
}

/** A TLS-capable tcpServer on 127.0.0.1 and a free port, running in its own task. */
export interface RunningServer {
  task: Task;
  port: number;
  errors: Array<[unknown, SocketAddress]>;
}

export function* startServer(handler: ClientHandler, options: TcpServerOptions = {}): Operation<RunningServer> {
  const listening = new Event();
  let port = 0;
  const errors: Array<[unknown, SocketAddress]> = [];
  const task = yield* spawn(
    tcpServer('127.0.0.1', 0, handler, {
      onClientError: (error, address) => errors.push([error, address]),
      ...options,
      onListening: (sock: Socket) => {
        port = (sock.getsockname() as [string, number])[1];
        listening.set();
      },
    }),
  );
  yield* listening.wait();
  return { task, port, errors };
}

/** An echo handler. */
export function* echo(client: Socket): Operation<void> {
  for (;;) {
    const data = yield* client.recv(65536);
    if (data.length === 0) return;
    yield* client.sendall(data);
  }
}
