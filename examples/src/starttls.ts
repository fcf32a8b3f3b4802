/**
 * STARTTLS: a line protocol that begins in plain text and switches to TLS on the same
 * connection when the client says `STARTTLS` (as SMTP, IMAP and LDAP do). The server and
 * the client run in one program; each prints its side of the conversation.
 *
 * Run:  node examples/dist/starttls.js
 *
 * `wrapSocket` takes over the plain socket: bytes already received stay in order in
 * front of the TLS stream, so nothing is lost at the switch.
 */
import {
  run, spawn, tcpServerSocket, socket, wrapSocket, createDefaultContext, createCertificateAuthority, Purpose,
  type Socket, type SSLContext,
} from 'curio';

function* server(listener: Socket, ctx: SSLContext) {
  const [plain] = yield* listener.accept();
  let conn: Socket = plain;
  let lines = plain.asStream();
  yield* conn.sendall('220 ready\n');
  for (;;) {
    const line = (yield* lines.readline()).toString().trim();
    if (line === '') break;
    const secure = conn !== plain;
    console.log(`server got ${JSON.stringify(line)}${secure ? ' (over TLS)' : ' (plain text)'}`);
    if (line === 'STARTTLS' && !secure) {
      yield* conn.sendall('220 go ahead\n');
      conn = yield* wrapSocket(plain, ctx, { serverSide: true });
      lines = conn.asStream();
    } else if (line === 'QUIT') {
      yield* conn.sendall('221 bye\n');
      break;
    } else {
      yield* conn.sendall(`250 ${secure ? 'secret ' : ''}ok: ${line}\n`);
    }
  }
  conn.close();
}

function* client(port: number, ctx: SSLContext) {
  const plain = socket();
  yield* plain.connect(['127.0.0.1', port]);
  let conn: Socket = plain;
  let lines = plain.asStream();
  const say = function* (line: string) {
    yield* conn.sendall(`${line}\n`);
    const reply = (yield* lines.readline()).toString().trim();
    console.log(`client sent ${JSON.stringify(line)}, got ${JSON.stringify(reply)}`);
    return reply;
  };
  console.log(`client got ${JSON.stringify((yield* lines.readline()).toString().trim())}`);
  yield* say('HELLO');
  if ((yield* say('STARTTLS')).startsWith('220')) {
    const secure = yield* wrapSocket(plain, ctx, { serverHostname: 'localhost' });
    console.log(`client switched to ${secure.version()}, server certificate for ${secure.getpeercert()?.subject.CN}`);
    conn = secure;
    lines = secure.asStream();
  }
  yield* say('PASSWORD hunter2');
  yield* say('QUIT');
  conn.close();
}

await run(function* main() {
  // A throwaway CA and server certificate: development only.
  const ca = yield* createCertificateAuthority({ commonName: 'STARTTLS demo CA' });
  const cert = yield* ca.issueCertificate({ commonName: 'localhost' });
  const serverCtx = createDefaultContext(Purpose.CLIENT_AUTH);
  serverCtx.loadCertChain(cert.cert, cert.key);
  const clientCtx = createDefaultContext(Purpose.SERVER_AUTH, { cadata: ca.cert });

  const listener = yield* tcpServerSocket('127.0.0.1', 0);
  const [, port] = listener.getsocknameInet();
  const srv = yield* spawn(server, listener, serverCtx);
  yield* client(port, clientCtx);
  yield* srv.join();
  listener.close();
});
