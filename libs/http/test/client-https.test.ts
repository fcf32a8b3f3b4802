// https: the client through @curio/ssl against a node:https server whose certificates are made
// at test time by a test CA: ALPN http/1.1, the server name sent, keep-alive over TLS, and a
// certificate from a CA the client does not trust refused by name.
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Kernel, run, timeoutAfter, TaskTimeout } from '@curio/kernel';
import { createCertificateAuthority, createDefaultContext, Purpose, type CertificateAndKey, type CertificateAuthority } from '@curio/ssl';
import { HttpClient, HttpClientError, request } from '../src/index.js';
import { nodeServer, settle, steady, tcpHandles, type NodeServer } from './client-servers.js';

let ca: CertificateAuthority;
let otherCa: CertificateAuthority;
let cert: CertificateAndKey;
let server: NodeServer;

beforeAll(async () => {
  [ca, otherCa, cert] = await run(function* () {
    const trusted = yield* createCertificateAuthority({ commonName: 'Curio Test CA' });
    const untrusted = yield* createCertificateAuthority({ commonName: 'Untrusted CA' });
    return [trusted, untrusted, yield* trusted.issueCertificate({ commonName: 'localhost' })] as const;
  });
  server = await nodeServer((req, res) => {
    const tls = req.socket as TLSSocket;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ alpn: tls.alpnProtocol, servername: (tls as TLSSocket & { servername?: string }).servername ?? null, url: req.url }));
  }, { cert: cert.cert, key: cert.key, ALPNProtocols: ['h2', 'http/1.1'] });
});
afterAll(() => server.close());

const trusting = (authority: { cert: string }) => createDefaultContext(Purpose.SERVER_AUTH, { cadata: authority.cert });

describe('https', () => {
  it('negotiates ALPN http/1.1, sends the server name, and keeps the TLS connection for the next request', async () => {
    const url = `https://localhost:${server.port}`;
    const before = server.accepted;
    const got = await run(function* () {
      using client = new HttpClient({ ssl: trusting(ca) });
      const first = yield* (yield* client.request('GET', `${url}/one`)).body.json();
      const second = yield* (yield* client.request('GET', `${url}/two`)).body.json();
      return [first, second];
    });
    expect(got).toEqual([{ alpn: 'http/1.1', servername: 'localhost', url: '/one' }, { alpn: 'http/1.1', servername: 'localhost', url: '/two' }]);
    expect(server.accepted - before).toBe(1);
  });

  it('request() takes the ssl option too, and checks an IP address against the certificate', async () => {
    const got = await run(function* () {
      const res = yield* request('GET', `https://127.0.0.1:${server.port}/ip`, { ssl: trusting(ca) });
      return yield* res.body.json();
    });
    expect(got).toMatchObject({ alpn: 'http/1.1', url: '/ip' });
  });

  it('refuses a server whose certificate comes from a CA it does not trust, naming the TLS failure', async () => {
    const url = `https://localhost:${server.port}/`;
    const error = await run(function* () {
      try { yield* request('GET', url, { ssl: trusting(otherCa) }); return 'answered'; } catch (e) { return e; }
    });
    expect(error).toBeInstanceOf(HttpClientError);
    expect((error as Error).message).toMatch(new RegExp(`^GET ${url}: TLS handshake with 127\\.0\\.0\\.1:${server.port}: certificate verify failed`));
  });

  it('a request cancelled in the TLS handshake (a server that accepts and says nothing) closes its socket: no task or handle left', async () => {
    const open = new Set<net.Socket>();
    // It reads (and drops) what comes, so it sees the client's end of stream.
    const silent = net.createServer((sock) => { open.add(sock); sock.on('close', () => open.delete(sock)); sock.resume(); });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const before = await steady(tcpHandles);
    const kernel = new Kernel();
    const outcome = await kernel.run(function* () {
      try { yield* timeoutAfter(200, request('GET', `https://127.0.0.1:${port}/`, { ssl: trusting(ca) })); return 'answered'; } catch (e) { return e; }
    });
    expect(outcome).toBeInstanceOf(TaskTimeout);
    expect(kernel.tasks.size).toBe(0);
    expect(await settle(() => open.size, 0)).toBe(0);
    expect(await settle(tcpHandles, before)).toBe(before);
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });
});
