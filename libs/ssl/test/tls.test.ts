import { X509Certificate } from 'node:crypto';
import { run, spawn, timeoutAfter, TaskCancelled, TaskTimeout, type Operation } from '@curio/kernel';
import os from 'node:os';
import path from 'node:path';
import { Event } from '@curio/kernel';
import { openConnection, openUnixConnection, unixServer, socket, tcpServerSocket, SHUT_WR, AF_UNIX, type Socket } from '@curio/io';
import {
  wrapSocket, getServerCertificate, SSLSocket, SSLError, SSLCertVerificationError, CERT_OPTIONAL, TLSVersion,
  type SSLContext,
} from '../src/index.js';
import { failureOf } from '../../../tools/jest/failure-of.js';
import { makePki, serverContext, clientContext, mutualServerContext, clientContextWith, startServer, echo, until, type Pki } from './pki.js';

let pki: Pki;
beforeAll(async () => {
  pki = await makePki();
});

/** Connects with TLS, sends `text`, returns what comes back (the connection then closed). */
function* roundTrip(port: number, ctx: SSLContext, text: string, serverHostname = 'localhost'): Operation<string> {
  const sock = yield* openConnection('127.0.0.1', port, { ssl: ctx, serverHostname });
  try {
    yield* sock.sendall(text);
    sock.shutdown(SHUT_WR);
    const chunks: Buffer[] = [];
    for (;;) {
      const data = yield* sock.recv(65536);
      if (data.length === 0) return Buffer.concat(chunks).toString();
      chunks.push(data);
    }
  } finally {
    sock.close();
  }
}

/** Open TCP handles in this process (sockets and servers). */
function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap').length;
}

/** Resolves once this process has no TCP handle open (a leak fails the test by jest's timeout). */
async function allTcpClosed(): Promise<number> {
  while (tcpHandles() > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  return tcpHandles();
}

describe('TLS servers and clients', () => {
  it('echoes over TLS with the ssl option on both ends, and reports the session on each side', async () => {
    const out = await run(function* () {
      let serverView: unknown = null;
      const srv = yield* startServer(
        function* (client: Socket) {
          const s = client as SSLSocket;
          serverView = [s instanceof SSLSocket, s.serverSide, s.getpeercert(), s.version()];
          yield* echo(client);
        },
        { ssl: serverContext(pki.server) },
      );
      const sock = (yield* openConnection('127.0.0.1', srv.port, { ssl: clientContext(pki.ca), serverHostname: 'localhost' })) as SSLSocket;
      const payload = Buffer.alloc(1024 * 1024, 7);
      const sender = yield* spawn(function* () {
        yield* sock.sendall(payload);
        sock.shutdown(SHUT_WR);
      });
      const received: Buffer[] = [];
      let total = 0;
      for (;;) {
        const data = yield* sock.recv(65536);
        if (data.length === 0) break;
        received.push(data);
        total += data.length;
      }
      yield* sender.join();
      const cert = sock.getpeercert()!;
      const result = {
        echoed: total === payload.length && Buffer.concat(received).equals(payload),
        version: sock.version(),
        cipher: sock.cipher()?.version,
        alpn: sock.selectedAlpnProtocol(),
        subject: cert.subject,
        issuer: cert.issuer,
        altNames: cert.subjectAltName,
        der: sock.getpeercert(true)!.equals(new X509Certificate(pki.server.cert).raw),
        serverSide: sock.serverSide,
        serverHostname: sock.serverHostname,
        text: String(sock).startsWith('SSLSocket(AF_INET, SOCK_STREAM, peer 127.0.0.1:'),
        serverView,
      };
      sock.close();
      yield* srv.task.cancel();
      return result;
    });
    expect(out).toEqual({
      echoed: true,
      version: 'TLSv1.3',
      cipher: 'TLSv1.3',
      alpn: null,
      subject: { CN: 'localhost' },
      issuer: { CN: 'Curio Test CA' },
      altNames: [['DNS', 'localhost'], ['IP Address', '127.0.0.1'], ['IP Address', '0:0:0:0:0:0:0:1']],
      der: true,
      serverSide: false,
      serverHostname: 'localhost',
      text: true,
      serverView: [true, true, null, 'TLSv1.3'],
    });
  });

  it('checks the certificate against the address connected to when no host name is given', async () => {
    const out = await run(function* () {
      const good = yield* startServer(echo, { ssl: serverContext(pki.server) });
      const other = yield* startServer(echo, { ssl: serverContext(pki.wrongName) });
      const sock = yield* openConnection('127.0.0.1', good.port, { ssl: clientContext(pki.ca) });
      yield* sock.sendall('ip');
      const data = (yield* sock.recv(10)).toString();
      sock.close();
      const error = yield* failureOf(openConnection('127.0.0.1', other.port, { ssl: clientContext(pki.ca) }));
      yield* good.task.cancel();
      yield* other.task.cancel();
      return { data, code: (error as SSLCertVerificationError).verifyCode, message: (error as Error).message };
    });
    expect(out.data).toBe('ip');
    expect(out.code).toBe('HOSTNAME_MISMATCH');
    expect(out.message).toMatch(/IP: 127.0.0.1 is not in the cert's list/);
  });

  it('negotiates ALPN, from the context or the alpnProtocols option of openConnection', async () => {
    const out = await run(function* () {
      const sctx = serverContext(pki.server);
      sctx.setAlpnProtocols(['h2', 'http/1.1']);
      const seen: Array<string | null> = [];
      const srv = yield* startServer(
        function* (client: Socket) {
          seen.push((client as SSLSocket).selectedAlpnProtocol());
        },
        { ssl: sctx },
      );
      const cctx = clientContext(pki.ca);
      cctx.setAlpnProtocols(['h2']);
      const a = (yield* openConnection('127.0.0.1', srv.port, { ssl: cctx, serverHostname: 'localhost' })) as SSLSocket;
      const b = (yield* openConnection('127.0.0.1', srv.port, { ssl: cctx, serverHostname: 'localhost', alpnProtocols: ['http/1.1'] })) as SSLSocket;
      const result = [a.selectedAlpnProtocol(), b.selectedAlpnProtocol()];
      yield* a.recv(1);
      yield* b.recv(1);
      a.close();
      b.close();
      yield* until(() => seen.length === 2);
      yield* srv.task.cancel();
      return { result, seen: seen.sort() };
    });
    expect(out).toEqual({ result: ['h2', 'http/1.1'], seen: ['h2', 'http/1.1'] });
  });

  it('serves the certificate the SNI callback picks by server name', async () => {
    const out = await run(function* () {
      const sctx = serverContext(pki.server);
      const names: string[] = [];
      const other = serverContext(pki.wrongName);
      sctx.sniCallback = (name) => {
        names.push(name);
        return name === 'example.com' ? other : undefined;
      };
      let serverName: string | null = null;
      const srv = yield* startServer(
        function* (client: Socket) {
          serverName = (client as SSLSocket).serverHostname;
        },
        { ssl: sctx },
      );
      const a = (yield* openConnection('127.0.0.1', srv.port, { ssl: clientContext(pki.ca), serverHostname: 'example.com' })) as SSLSocket;
      const b = (yield* openConnection('127.0.0.1', srv.port, { ssl: clientContext(pki.ca), serverHostname: 'localhost' })) as SSLSocket;
      const cns = [a.getpeercert()?.subject.CN, b.getpeercert()?.subject.CN];
      yield* a.recv(1);
      a.close();
      b.close();
      yield* srv.task.cancel();
      return { cns, names, serverName };
    });
    expect(out.cns).toEqual(['example.com', 'localhost']);
    expect(out.names).toEqual(['example.com', 'localhost']);
    expect(out.serverName === 'example.com' || out.serverName === 'localhost').toBe(true);
  });

  it('getServerCertificate fetches the server certificate as PEM, verified only when CAs are given', async () => {
    const out = await run(function* () {
      const srv = yield* startServer(echo, { ssl: serverContext(pki.server) });
      const pem = yield* getServerCertificate('127.0.0.1', srv.port);
      const verified = yield* getServerCertificate('127.0.0.1', srv.port, { caCerts: pki.ca.cert });
      const refused = yield* failureOf(getServerCertificate('127.0.0.1', srv.port, { caCerts: pki.otherCa.cert }));
      yield* srv.task.cancel();
      return { pem, verified, refused };
    });
    const expected = new X509Certificate(pki.server.cert).fingerprint256;
    expect(new X509Certificate(out.pem).fingerprint256).toBe(expected);
    expect(new X509Certificate(out.verified).fingerprint256).toBe(expected);
    expect(out.pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(out.refused).toBeInstanceOf(SSLCertVerificationError);
  });

  it('runs over Unix sockets too (the host name to check must then be given)', async () => {
    const where = path.join(os.tmpdir(), `curio-ssl-${process.pid}-${Date.now()}.sock`);
    const out = await run(function* () {
      const listening = new Event();
      const srv = yield* spawn(unixServer(where, echo, { ssl: serverContext(pki.server), onListening: () => listening.set() }));
      yield* listening.wait();
      const sock = (yield* openUnixConnection(where, { ssl: clientContext(pki.ca), serverHostname: 'localhost' })) as SSLSocket;
      yield* sock.sendall('over unix');
      const data = (yield* sock.recv(100)).toString();
      const result = { data, family: sock.family === AF_UNIX, version: sock.version() };
      sock.close();
      const error = yield* failureOf(openUnixConnection(where, { ssl: clientContext(pki.ca) }));
      yield* srv.cancel();
      return { ...result, error: (error as Error).message };
    });
    expect(out).toEqual({ data: 'over unix', family: true, version: 'TLSv1.3', error: expect.stringMatching(/checkHostname is on but there is no host name to check: pass serverHostname/) });
  });

  it('reads lines through asStream() over TLS', async () => {
    const out = await run(function* () {
      const srv = yield* startServer(
        function* (client: Socket) {
          yield* client.sendall('one\ntwo\n');
        },
        { ssl: serverContext(pki.server) },
      );
      const sock = yield* openConnection('127.0.0.1', srv.port, { ssl: clientContext(pki.ca), serverHostname: 'localhost' });
      const stream = sock.asStream();
      const lines = [(yield* stream.readline()).toString(), (yield* stream.readline()).toString(), (yield* stream.readline()).length];
      stream.close();
      yield* srv.task.cancel();
      return lines;
    });
    expect(out).toEqual(['one\n', 'two\n', 0]);
  });
});

describe('handshake failures', () => {
  /**
   * Starts `serverCtx`'s echo server, makes the failing connection, then checks the server
   * still serves a good client. Returns the client's error and what the server reported.
   */
  function attempt(serverCtx: SSLContext, bad: (port: number) => Operation<unknown>, good: SSLContext = clientContext(pki.ca)) {
    return run(function* () {
      const srv = yield* startServer(echo, { ssl: serverCtx });
      const clientError = yield* failureOf(bad(srv.port));
      const afterwards = yield* roundTrip(srv.port, good, 'still serving');
      yield* srv.task.cancel();
      return { clientError, serverErrors: srv.errors.map(([e]) => e), afterwards };
    });
  }

  function* connectAndRead(port: number, ctx: SSLContext, serverHostname = 'localhost'): Operation<void> {
    const sock = yield* openConnection('127.0.0.1', port, { ssl: ctx, serverHostname });
    try {
      yield* sock.sendall('hello');
      // The server's verdict on our certificate may come after our side of the handshake (TLS 1.3).
      const data = yield* sock.recv(100);
      if (data.length === 0) throw new Error('the connection ended');
    } finally {
      sock.close();
    }
  }

  /**
   * Node's client checks the certificate after its side of the handshake, then closes: the
   * server sees the end, in its handler (nothing to report) or, when the close overtakes the
   * client's last handshake message, as the end of its own handshake.
   */
  function expectServerSawTheEnd(serverErrors: unknown[]): void {
    expect(serverErrors.length).toBeLessThanOrEqual(1);
    for (const e of serverErrors) expect((e as SSLError).reason).toBe('UNEXPECTED_EOF_WHILE_READING');
  }

  it('an unknown CA', async () => {
    const out = await attempt(serverContext(pki.server), (port) => openConnection('127.0.0.1', port, { ssl: clientContext(pki.otherCa), serverHostname: 'localhost' }));
    const e = out.clientError as SSLCertVerificationError;
    expect(e).toBeInstanceOf(SSLCertVerificationError);
    expect(e.reason).toBe('CERTIFICATE_VERIFY_FAILED');
    expect(['SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']).toContain(e.verifyCode);
    expect(e.message).toMatch(/^TLS handshake with 127.0.0.1:\d+: certificate verify failed/);
    expectServerSawTheEnd(out.serverErrors);
    expect(out.afterwards).toBe('still serving');
  });

  it('a certificate for another host name', async () => {
    const out = await attempt(serverContext(pki.server), (port) => openConnection('127.0.0.1', port, { ssl: clientContext(pki.ca), serverHostname: 'example.com' }));
    const e = out.clientError as SSLCertVerificationError;
    expect(e).toBeInstanceOf(SSLCertVerificationError);
    expect([e.reason, e.verifyCode]).toEqual(['CERTIFICATE_VERIFY_FAILED', 'HOSTNAME_MISMATCH']);
    expect(e.message).toMatch(/Hostname mismatch.*example.com/);
    expectServerSawTheEnd(out.serverErrors);
    expect(out.afterwards).toBe('still serving');
  });

  it('an expired certificate', async () => {
    const ctx = serverContext(pki.server);
    const expired = serverContext(pki.expired);
    // The same server presents the expired certificate to one name (SNI) and the good one otherwise.
    ctx.sniCallback = (name) => (name === 'expired.test' ? expired : undefined);
    const cctx = clientContext(pki.ca);
    cctx.checkHostname = false;
    const out = await attempt(ctx, (port) => openConnection('127.0.0.1', port, { ssl: cctx, serverHostname: 'expired.test' }));
    const e = out.clientError as SSLCertVerificationError;
    expect([e.reason, e.verifyCode, e.verifyMessage]).toEqual(['CERTIFICATE_VERIFY_FAILED', 'CERT_HAS_EXPIRED', 'certificate has expired']);
    expectServerSawTheEnd(out.serverErrors);
    expect(out.afterwards).toBe('still serving');
  });

  it('a protocol version the server does not accept, reported on both sides', async () => {
    const sctx = serverContext(pki.server);
    sctx.minimumVersion = TLSVersion.TLSv1_3;
    const old = clientContext(pki.ca);
    old.maximumVersion = TLSVersion.TLSv1_2;
    const out = await attempt(sctx, (port) => openConnection('127.0.0.1', port, { ssl: old, serverHostname: 'localhost' }));
    const e = out.clientError as SSLError;
    expect(e).toBeInstanceOf(SSLError);
    expect(e.reason).toBe('TLSV1_ALERT_PROTOCOL_VERSION');
    expect(e.message).toMatch(/TLSV1_ALERT_PROTOCOL_VERSION: tlsv1 alert protocol version \(SSL alert number 70\)/);
    expect(out.serverErrors.map((x) => (x as SSLError).reason)).toEqual(['UNSUPPORTED_PROTOCOL']);
    expect(out.afterwards).toBe('still serving');
  });

  it('plain text where TLS was expected, either way round: an SSLError naming it, and the server goes on', async () => {
    const out = await run(function* () {
      const srv = yield* startServer(echo, { ssl: serverContext(pki.server) });
      // A plain-text client talking to the TLS server.
      const plain = socket();
      yield* plain.connect(['127.0.0.1', srv.port]);
      yield* plain.sendall('GET / HTTP/1.0\r\n\r\n');
      const answer = yield* plain.recv(1000);
      plain.close();
      yield* until(() => srv.errors.length === 1);
      // A TLS client talking to a plain-text server that answers in text.
      const listener = yield* tcpServerSocket('127.0.0.1', 0);
      const [, port] = listener.getsockname() as [string, number];
      const talker = yield* spawn(function* () {
        const [conn] = yield* listener.accept();
        yield* conn.sendall('HTTP/1.0 400 Bad Request\r\n\r\n');
        conn.close();
      });
      const clientError = yield* failureOf(openConnection('127.0.0.1', port, { ssl: clientContext(pki.ca), serverHostname: 'localhost' }));
      yield* talker.join();
      listener.close();
      const afterwards = yield* roundTrip(srv.port, clientContext(pki.ca), 'still serving');
      yield* srv.task.cancel();
      return { answerIsNotPlain: !answer.toString().startsWith('HTTP'), serverError: srv.errors[0][0], clientError, afterwards };
    });
    expect(out.answerIsNotPlain).toBe(true);
    expect(out.serverError).toBeInstanceOf(SSLError);
    expect((out.serverError as SSLError).reason).toBe('HTTP_REQUEST');
    expect(out.clientError).toBeInstanceOf(SSLError);
    expect((out.clientError as SSLError).reason).toBe('WRONG_VERSION_NUMBER');
    expect(out.afterwards).toBe('still serving');
  });

  it('mutual TLS: a client certificate from the trusted CA is accepted and seen by the handler', async () => {
    const out = await run(function* () {
      const sctx = mutualServerContext(pki.server, pki.ca);
      const srv = yield* startServer(
        function* (client: Socket) {
          const cert = (client as SSLSocket).getpeercert();
          yield* client.sendall(`hello ${cert?.subject.CN}`);
        },
        { ssl: sctx },
      );
      const cctx = clientContextWith(pki.ca, pki.client);
      const sock = yield* openConnection('127.0.0.1', srv.port, { ssl: cctx, serverHostname: 'localhost' });
      const greeting = (yield* sock.recv(100)).toString();
      sock.close();
      yield* srv.task.cancel();
      return greeting;
    });
    expect(out).toBe('hello alice');
  });

  it('mutual TLS: a missing client certificate is refused on both sides', async () => {
    const sctx = mutualServerContext(pki.server, pki.ca);
    const good = clientContextWith(pki.ca, pki.client);
    const out = await attempt(sctx, (port) => connectAndRead(port, clientContext(pki.ca)), good);
    const e = out.clientError as SSLError;
    expect(e).toBeInstanceOf(SSLError);
    // TLS 1.3: the client learns it at its first read.
    expect(e.reason).toBe('TLSV13_ALERT_CERTIFICATE_REQUIRED');
    expect(e.message).toMatch(/^recv\(\) peer 127.0.0.1:\d+: TLSV13_ALERT_CERTIFICATE_REQUIRED/);
    expect(out.serverErrors.map((x) => (x as SSLError).reason)).toEqual(['PEER_DID_NOT_RETURN_A_CERTIFICATE']);
    expect(out.afterwards).toBe('still serving');
  });

  it('mutual TLS: reads through asStream() report the refusal as an SSLError too', async () => {
    const sctx = mutualServerContext(pki.server, pki.ca);
    const good = clientContextWith(pki.ca, pki.client);
    const out = await attempt(sctx, function* (port) {
      const sock = yield* openConnection('127.0.0.1', port, { ssl: clientContext(pki.ca), serverHostname: 'localhost' });
      try {
        const stream = sock.asStream();
        yield* stream.write('hello\n');
        yield* stream.readline();
      } finally {
        sock.close();
      }
    }, good);
    const e = out.clientError as SSLError;
    expect(e).toBeInstanceOf(SSLError);
    expect(e.reason).toBe('TLSV13_ALERT_CERTIFICATE_REQUIRED');
    expect(e.message).toMatch(/^readline\(\) peer 127.0.0.1:\d+: TLSV13_ALERT_CERTIFICATE_REQUIRED/);
    expect(out.afterwards).toBe('still serving');
  });

  it('mutual TLS: a client certificate from another CA is refused, and the server says why', async () => {
    const sctx = mutualServerContext(pki.server, pki.ca);
    const stranger = clientContextWith(pki.ca, pki.otherClient);
    const good = clientContextWith(pki.ca, pki.client);
    const out = await attempt(sctx, (port) => connectAndRead(port, stranger), good);
    // TLS 1.3: the client only sees the connection end.
    expect((out.clientError as Error).message).toMatch(/the connection ended|ECONNRESET/);
    const [e] = out.serverErrors as SSLCertVerificationError[];
    expect(out.serverErrors).toHaveLength(1);
    expect(e).toBeInstanceOf(SSLCertVerificationError);
    expect(e.verifyCode).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(e.message).toMatch(/the client's certificate was refused/);
    expect(out.afterwards).toBe('still serving');
  });

  it('CERT_OPTIONAL: no client certificate is fine, one that does not verify is refused', async () => {
    const sctx = serverContext(pki.server);
    sctx.verifyMode = CERT_OPTIONAL;
    sctx.loadVerifyLocations(pki.ca.cert);
    const stranger = clientContextWith(pki.ca, pki.otherClient);
    const out = await attempt(sctx, (port) => connectAndRead(port, stranger), clientContext(pki.ca));
    expect((out.serverErrors[0] as SSLCertVerificationError).verifyCode).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(out.afterwards).toBe('still serving');
  });
});

describe('wrapSocket', () => {
  it('STARTTLS: plain lines, then TLS on the same connection, with bytes sent ahead of the switch kept in order', async () => {
    const out = await run(function* () {
      const listener = yield* tcpServerSocket('127.0.0.1', 0);
      const [, port] = listener.getsockname() as [string, number];
      const server = yield* spawn(function* () {
        const [conn] = yield* listener.accept();
        const plain = conn.asStream();
        const first = (yield* plain.readline()).toString();
        // Wait until the ClientHello sits in the receive buffer behind the second line:
        // wrapSocket must hand it to TLS.
        yield* until(() => conn.readBuffered > 'STARTTLS\n'.length);
        const lines = [first, (yield* plain.readline()).toString()];
        const secure = yield* wrapSocket(conn, serverContext(pki.server), { serverSide: true });
        const secret = (yield* secure.asStream().readline()).toString();
        yield* secure.sendall(`got ${secret}`);
        secure.close();
        return [...lines, secret];
      });
      const client = socket();
      yield* client.connect(['127.0.0.1', port]);
      // Everything at once: two plain lines, then the handshake starts without waiting for a reply.
      yield* client.sendall('EHLO client\nSTARTTLS\n');
      const secure = yield* wrapSocket(client, clientContext(pki.ca), { serverHostname: 'localhost' });
      yield* secure.sendall('password\n');
      const reply = (yield* secure.recv(100)).toString();
      const seen = yield* server.join();
      const oldClosed = client.closed;
      secure.close();
      listener.close();
      return { reply, seen, oldClosed };
    });
    expect(out).toEqual({ reply: 'got password\n', seen: ['EHLO client\n', 'STARTTLS\n', 'password\n'], oldClosed: true });
  });

  it('a cancelled handshake closes the connection and leaves no handle behind', async () => {
    await allTcpClosed();
    const out = await run(function* () {
      // A plain TCP server that accepts and never answers the ClientHello.
      const listener = yield* tcpServerSocket('127.0.0.1', 0);
      const [, port] = listener.getsockname() as [string, number];
      const client = yield* spawn(openConnection('127.0.0.1', port, { ssl: clientContext(pki.ca), serverHostname: 'localhost' }));
      const [peer] = yield* listener.accept();
      yield* until(() => client.state === 'TLS_HANDSHAKE');
      yield* client.cancel();
      // The peer reads the ClientHello, then the end of the connection.
      let got = 0;
      for (;;) {
        const data = yield* peer.recv(65536);
        if (data.length === 0) break;
        got += data.length;
      }
      peer.close();
      listener.close();
      return { cancelled: client.exception instanceof TaskCancelled, got };
    });
    expect(out.cancelled).toBe(true);
    expect(out.got).toBeGreaterThan(0);
    expect(await allTcpClosed()).toBe(0);
  });

  it('a handshake obeys timeoutAfter, and servers (mutual TLS or not) cancelled mid-handshake leave nothing running', async () => {
    await allTcpClosed();
    const out = await run(function* () {
      const srv = yield* startServer(echo, { ssl: serverContext(pki.server) });
      const mtlsContext = mutualServerContext(pki.server, pki.ca);
      const mtls = yield* startServer(echo, { ssl: mtlsContext });
      // Clients that connect in plain TCP and say nothing: the servers' handshakes wait.
      const mute = socket();
      yield* mute.connect(['127.0.0.1', srv.port]);
      const muteToMtls = socket();
      yield* muteToMtls.connect(['127.0.0.1', mtls.port]);
      const listener = yield* tcpServerSocket('127.0.0.1', 0);
      const [, port] = listener.getsockname() as [string, number];
      const timedOut = yield* failureOf(timeoutAfter(20, openConnection('127.0.0.1', port, { ssl: clientContext(pki.ca), serverHostname: 'localhost' })));
      listener.close();
      yield* srv.task.cancel();
      yield* mtls.task.cancel();
      const ends = [(yield* mute.recv(10)).length, (yield* muteToMtls.recv(10)).length];
      mute.close();
      muteToMtls.close();
      return { timedOut: timedOut instanceof TaskTimeout, ends, serverErrors: srv.errors.length + mtls.errors.length };
    });
    expect(out).toEqual({ timedOut: true, ends: [0, 0], serverErrors: 0 });
    expect(await allTcpClosed()).toBe(0);
  });
});
