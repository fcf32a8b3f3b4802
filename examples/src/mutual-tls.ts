/**
 * Mutual TLS: the server asks every client for a certificate and accepts only those its
 * certificate authority issued. One client has such a certificate, one has a certificate
 * from another CA, one has none. Server and clients run in one program.
 *
 * Run:  node examples/dist/mutual-tls.js
 */
import {
  run, spawn, tcpServer, openConnection, createDefaultContext, createCertificateAuthority, Event, Purpose, CERT_REQUIRED,
  SSLError, SSLSocket, type Socket, type CertificateAndKey, type SocketAddress,
} from 'curio';

function* greet(client: Socket) {
  // The handshake is done and the certificate verified before the handler runs.
  const name = (client as SSLSocket).getpeercert()?.subject.CN;
  yield* client.sendall(`hello ${name}\n`);
}

function* tryClient(label: string, port: number, caCert: string, own: CertificateAndKey | null) {
  const ssl = createDefaultContext(Purpose.SERVER_AUTH, { cadata: caCert });
  if (own !== null) ssl.loadCertChain(own.cert, own.key);
  try {
    using sock = yield* openConnection('127.0.0.1', port, { ssl, serverHostname: 'localhost' });
    // With TLS 1.3 the server's verdict on our certificate comes after our handshake: read to learn it.
    const reply = (yield* sock.recv(100)).toString().trim();
    console.log(`${label}: ${reply === '' ? 'the server closed the connection' : reply}`);
  } catch (error) {
    if (!(error instanceof SSLError)) throw error;
    console.log(`${label}: refused (${error.reason})`);
  }
}

await run(function* main() {
  const ca = yield* createCertificateAuthority({ commonName: 'Example Corp CA' });
  const stranger = yield* createCertificateAuthority({ commonName: 'Somebody Else CA' });
  const serverCert = yield* ca.issueCertificate({ commonName: 'localhost' });
  const alice = yield* ca.issueCertificate({ commonName: 'alice', purpose: 'client' });
  const mallory = yield* stranger.issueCertificate({ commonName: 'mallory', purpose: 'client' });

  const ssl = createDefaultContext(Purpose.CLIENT_AUTH);
  ssl.loadCertChain(serverCert.cert, serverCert.key);
  ssl.verifyMode = CERT_REQUIRED;
  ssl.loadVerifyLocations(ca.cert);

  const listening = new Event();
  let port = 0;
  const refusals: string[] = [];
  const bothRefused = new Event();
  const server = yield* spawn(
    tcpServer('127.0.0.1', 0, greet, {
      ssl,
      onListening: (_sock, address) => {
        port = address.port;
        listening.set();
      },
      // The server side of each refused handshake: it reports and goes on serving.
      onClientError: (error: unknown, _addr: SocketAddress) => {
        refusals.push(error instanceof SSLError ? error.reason : String(error));
        if (refusals.length === 2) bothRefused.set();
      },
    }),
  );
  yield* listening.wait();
  yield* tryClient('alice (certificate from Example Corp CA)', port, ca.cert, alice);
  yield* tryClient('mallory (certificate from another CA)', port, ca.cert, mallory);
  yield* tryClient('anonymous (no certificate)', port, ca.cert, null);
  yield* bothRefused.wait();
  yield* server.cancel();
  console.log(`server refused: ${refusals.sort().join(', ')}`);
});
