/**
 * The seed's echo server over TLS: the same echo handler as echo-server-highlevel.ts,
 * and one option more, `ssl`.
 *
 * Run:  node examples/dist/tls-echo-server.js [port] [--cert=FILE --key=FILE] [--cafile=FILE] [--min-version=TLSv1.3]
 *       (port 25443 by default)
 * Try:  node examples/dist/tls-echo-client.js 127.0.0.1 25443 --cafile=FILE hello
 *       openssl s_client -connect 127.0.0.1:25443 -CAfile FILE -quiet
 *
 * Without --cert/--key it makes a self-signed certificate for localhost (development
 * only) and says where it wrote it, so clients can trust it. With --cafile it asks every
 * client for a certificate issued by that CA (mutual TLS). A client whose handshake
 * fails gets a `TLS handshake failed` line; the server goes on serving everyone else.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  runServer, createDefaultContext, createSelfSignedCertificate, Purpose, CERT_REQUIRED, SSLError, SSLSocket, type TLSVersion,
  type Socket, type SocketAddress,
} from 'curio';
import { parseArgs } from 'node:util';
import { atMost, commandLine, portNumber } from './support/command-line.js';
import { formatAddress, SERVER_FLAGS, serverMain } from './support/server-main.js';

const USAGE = 'tls-echo-server.js [PORT] [--cert=FILE --key=FILE] [--cafile=FILE] [--min-version=VERSION] [--diagnostics]';
const { port, options } = commandLine(USAGE, () => {
  const { values, positionals } = parseArgs({
    options: { cert: { type: 'string' }, key: { type: 'string' }, cafile: { type: 'string' }, 'min-version': { type: 'string' }, ...SERVER_FLAGS },
    allowPositionals: true,
  });
  if ((values.cert === undefined) !== (values.key === undefined)) throw new Error('--cert and --key go together: give both, or neither for a self-signed certificate');
  return { port: portNumber(atMost(positionals, 1)[0], 25443), options: values };
});

function* echoClient(client: Socket, addr: SocketAddress) {
  const who = client instanceof SSLSocket ? client.getpeercert()?.subject.CN : undefined;
  console.log('Connection from', formatAddress(addr), who === undefined ? '' : `(client certificate: ${who})`);
  while (true) {
    const data = yield* client.recv(1000);
    if (data.length === 0) break;
    yield* client.sendall(data);
  }
  console.log('Connection closed');
}

function* main(port: number) {
  const ssl = createDefaultContext(Purpose.CLIENT_AUTH);
  const { cert, key, cafile } = options;
  if (cert !== undefined && key !== undefined) ssl.loadCertChain(cert, key);
  else {
    const made = yield* createSelfSignedCertificate({ commonName: 'localhost' });
    const file = join(mkdtempSync(join(tmpdir(), 'curio-tls-echo-')), 'cert.pem');
    writeFileSync(file, made.cert);
    console.log(`Self-signed certificate for localhost written to ${file} (trust it with --cafile=${file})`);
    ssl.loadCertChain(made.cert, made.key);
  }
  if (cafile !== undefined) {
    ssl.verifyMode = CERT_REQUIRED;
    ssl.loadVerifyLocations(cafile);
  }
  if (options['min-version'] !== undefined) ssl.minimumVersion = options['min-version'] as TLSVersion;
  yield* runServer('', port, echoClient, {
    ssl,
    onListening: (_sock, { host, port }) => console.log('Server listening at', formatAddress([host, port])),
    onClientError: (error, addr) => {
      if (error instanceof SSLError) console.log(`TLS handshake failed for ${formatAddress(addr)}: ${error.reason}`);
      else console.error(`client ${formatAddress(addr)} failed:`, error);
    },
  });
}

await serverMain(main, [port], { diagnostics: options.diagnostics ?? false });
