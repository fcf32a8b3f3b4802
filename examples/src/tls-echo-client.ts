/**
 * A TLS echo client: connects with `openConnection(..., { ssl })`, says which TLS version
 * and cipher it got and whose certificate the server showed, then sends each message and
 * prints what comes back.
 *
 * Run:  node examples/dist/tls-echo-client.js HOST PORT [--cafile=FILE] [--cert=FILE --key=FILE]
 *       [--server-hostname=NAME] [--max-version=TLSv1.2] [MESSAGE ...]
 *
 * It verifies the server's certificate against --cafile (or the usual roots) and its host
 * name against --server-hostname (default: HOST). A failed handshake prints the SSLError's
 * reason and exits with status 1.
 */
import { parseArgs } from 'node:util';
import { run, openConnection, createDefaultContext, Purpose, SSLError, SSLCertVerificationError, type SSLSocket, type TLSVersion } from 'curio';
import { commandLine, portNumber } from './support/command-line.js';

const USAGE = 'tls-echo-client.js [HOST [PORT [MESSAGE ...]]] [--cafile=FILE] [--cert=FILE --key=FILE] [--server-hostname=NAME] [--max-version=VERSION]';
const { host, port, messages, options } = commandLine(USAGE, () => {
  const { values, positionals } = parseArgs({
    options: { cafile: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' }, 'server-hostname': { type: 'string' }, 'max-version': { type: 'string' } },
    allowPositionals: true,
  });
  const [host = '127.0.0.1', portText, ...messages] = positionals;
  return { host, port: portNumber(portText, 25443), messages: messages.length > 0 ? messages : ['hello over TLS'], options: values };
});

function* client() {
  const { cafile, cert, key } = options;
  const ssl = createDefaultContext(Purpose.SERVER_AUTH, cafile === undefined ? {} : { cafile });
  if (cert !== undefined) ssl.loadCertChain(cert, key);
  if (options['max-version'] !== undefined) ssl.maximumVersion = options['max-version'] as TLSVersion;
  const sock = (yield* openConnection(host, port, { ssl, serverHostname: options['server-hostname'] ?? host })) as SSLSocket;
  using conn = sock;
  console.log(`Connected: ${conn.version()} ${conn.cipher()?.name}, server certificate for ${conn.getpeercert()?.subject.CN}`);
  for (const message of messages) {
    yield* conn.sendall(message);
    let echoed = '';
    while (echoed.length < Buffer.byteLength(message)) {
      const data = yield* conn.recv(1000);
      if (data.length === 0) throw new Error('the server closed the connection');
      echoed += data.toString();
    }
    console.log(`Echoed: ${echoed}`);
  }
}

try {
  await run(client);
} catch (error) {
  if (error instanceof SSLCertVerificationError) console.log(`TLS failed: ${error.reason} (${error.verifyCode})`);
  else if (error instanceof SSLError) console.log(`TLS failed: ${error.reason}`);
  else console.log(`Failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
