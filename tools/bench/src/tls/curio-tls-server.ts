/**
 * Curio's side of the TLS benchmark: the seed's echo handler under `runServer` with the
 * `ssl` option (the TLS echo example without its per-connection log lines, which would
 * cost Curio stdout writes the baseline does not make in the handshake workload).
 * `node dist/tls/curio-tls-server.js <port> --cert=F --key=F`.
 * @packageDocumentation
 */
import { run, runServer, createDefaultContext, Purpose, type Socket } from 'curio';
import { listeningLine } from '../echo/server-args.js';
import { tlsServerArgs } from './server-options.js';

function* echoClient(client: Socket) {
  while (true) {
    const data = yield* client.recv(65536);
    if (data.length === 0) break;
    yield* client.sendall(data);
  }
}

const { port, cert, key } = tlsServerArgs(process.argv.slice(2));
const ssl = createDefaultContext(Purpose.CLIENT_AUTH);
ssl.loadCertChain(cert, key);
process.once('SIGTERM', () => process.exit(0));
await run(function* () {
  yield* runServer('', port, echoClient, {
    ssl,
    onListening: (_sock, address) => console.log(listeningLine(address.port)),
    // Clients that reset or give up are expected under load.
    onClientError: () => {},
  });
});
