/**
 * TLS end to end: the example TLS echo server as its own process under 200 concurrent
 * TLS clients; every handshake failure, seen by the example TLS client (another
 * process) and by the server, which goes on serving; mutual TLS; STARTTLS; and OpenSSL's
 * own `s_client` and `s_server` talking to ours.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { echoExchange, RandomPool } from '../src/clients.js';
import { ServerProcess, example, portNamedIn, CHILD_ENV } from '../src/server-process.js';
import { connectTls, opensslPath, runExample, runTlsClient, writePki, type PkiFiles } from '../src/tls-tools.js';

jest.setTimeout(600_000);

const TLS_ECHO_SERVER = example('tls-echo-server');

let pki: PkiFiles;
const servers: ServerProcess[] = [];

/** Starts the TLS echo server process with `extra` options (certificate: the good server one unless given). */
async function startTlsServer(extra: (pki: PkiFiles) => string[] = () => []): Promise<ServerProcess> {
  const options = extra(pki);
  const certOptions = options.some((o) => o.startsWith('--cert=')) ? [] : [`--cert=${pki.server.cert}`, `--key=${pki.server.key}`];
  const server = await ServerProcess.start({ script: TLS_ECHO_SERVER, args: (port) => [String(port), ...certOptions, ...options] });
  servers.push(server);
  return server;
}

beforeAll(async () => {
  pki = await writePki();
});

afterAll(async () => {
  for (const s of servers) await s.dispose();
  rmSync(pki.dir, { recursive: true, force: true });
});

test('200 concurrent TLS clients each get their 256 KiB echoed back byte for byte', async () => {
  const server = await startTlsServer();
  const CLIENTS = 200;
  const BYTES = 256 * 1024;
  const pool = new RandomPool(BYTES);
  const sockets = await Promise.all(Array.from({ length: CLIENTS }, () => connectTls(server.port, pki.caPem)));
  expect(sockets.every((s) => s.authorized && s.getProtocol() === 'TLSv1.3')).toBe(true);
  const results = await Promise.all(sockets.map((s, i) => echoExchange(s, pool.window(i))));
  const failures = results.map((r, i) => ({ i, ...r })).filter((r) => r.received !== BYTES || r.mismatchAt !== null || r.error !== null || !r.sawEnd);
  expect(failures).toEqual([]);
  await server.waitForCount('Connection closed', CLIENTS);
  const stats = await server.statsWhen((s) => s.tasks === 1);
  expect(stats.tasks).toBe(1);
  expect(stats.crashed).toBe(0);
  expect(server.count('TLS handshake failed')).toBe(0);
  expect(await server.stop('SIGTERM')).toEqual({ code: 143, signal: null });
  expect(server.stderr).toBe('');
});

describe('handshake failures reach the client as SSLErrors and the server goes on serving', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startTlsServer();
  });

  const good = () => runTlsClient(['127.0.0.1', String(server.port), `--cafile=${pki.ca}`, '--server-hostname=localhost', 'still serving']);

  test('an unknown CA', async () => {
    const out = await runTlsClient(['127.0.0.1', String(server.port), `--cafile=${pki.otherCa}`, '--server-hostname=localhost']);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/^TLS failed: CERTIFICATE_VERIFY_FAILED \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)$/m);
    expect((await good()).stdout).toMatch(/^Echoed: still serving$/m);
  });

  test('a wrong host name', async () => {
    const out = await runTlsClient(['127.0.0.1', String(server.port), `--cafile=${pki.ca}`, '--server-hostname=example.com']);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/^TLS failed: CERTIFICATE_VERIFY_FAILED \(HOSTNAME_MISMATCH\)$/m);
    expect((await good()).stdout).toMatch(/^Echoed: still serving$/m);
  });

  test('an expired certificate', async () => {
    const expired = await startTlsServer((p) => [`--cert=${p.expired.cert}`, `--key=${p.expired.key}`]);
    const out = await runTlsClient(['127.0.0.1', String(expired.port), `--cafile=${pki.ca}`, '--server-hostname=localhost']);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/^TLS failed: CERTIFICATE_VERIFY_FAILED \(CERT_HAS_EXPIRED\)$/m);
    expect(await expired.stop('SIGTERM')).toEqual({ code: 143, signal: null });
    expect((await good()).stdout).toMatch(/^Echoed: still serving$/m);
  });

  test('a protocol version too old for the server', async () => {
    const modern = await startTlsServer(() => ['--min-version=TLSv1.3']);
    const out = await runTlsClient(['127.0.0.1', String(modern.port), `--cafile=${pki.ca}`, '--server-hostname=localhost', '--max-version=TLSv1.2']);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/^TLS failed: TLSV1_ALERT_PROTOCOL_VERSION$/m);
    await modern.waitForCount('TLS handshake failed', 1);
    expect(modern.lines.find((l) => l.startsWith('TLS handshake failed'))).toMatch(/: UNSUPPORTED_PROTOCOL$/);
    const ok = await runTlsClient(['127.0.0.1', String(modern.port), `--cafile=${pki.ca}`, '--server-hostname=localhost', 'still serving']);
    expect(ok.stdout).toMatch(/^Connected: TLSv1.3 /m);
    expect(ok.stdout).toMatch(/^Echoed: still serving$/m);
    expect(await modern.stop('SIGTERM')).toEqual({ code: 143, signal: null });
  });

  test('the server lived through all of it', async () => {
    expect(server.hasExited).toBe(false);
    expect(await server.stop('SIGTERM')).toEqual({ code: 143, signal: null });
    expect(server.stderr).toBe('');
  });
});

describe('mutual TLS', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startTlsServer((p) => [`--cafile=${p.ca}`]);
  });

  const asClient = (...extra: string[]) => runTlsClient(['127.0.0.1', String(server.port), `--cafile=${pki.ca}`, '--server-hostname=localhost', ...extra]);

  test('a client certificate from the test CA is accepted', async () => {
    const out = await asClient(`--cert=${pki.client.cert}`, `--key=${pki.client.key}`, 'mutual');
    expect(out.stdout).toMatch(/^Echoed: mutual$/m);
    expect(out.code).toBe(0);
    await server.waitForLine((l) => l.includes('(client certificate: alice)'));
  });

  test('a client certificate from another CA is refused, and the server says why', async () => {
    const out = await asClient(`--cert=${pki.otherClient.cert}`, `--key=${pki.otherClient.key}`, 'intruder');
    expect(out.code).toBe(1);
    // TLS 1.3: the client only sees the connection end (or reset).
    expect(out.stdout).toMatch(/^Failed: (the server closed the connection|.*ECONNRESET.*)$/m);
    const line = await server.waitForLine((l) => l.startsWith('TLS handshake failed') && l.endsWith('CERTIFICATE_VERIFY_FAILED'));
    expect(line).toMatch(/^TLS handshake failed for \('127.0.0.1', \d+\): CERTIFICATE_VERIFY_FAILED$/);
  });

  test('a client without a certificate is refused on both sides', async () => {
    const out = await asClient('anonymous');
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/^TLS failed: TLSV13_ALERT_CERTIFICATE_REQUIRED$/m);
    await server.waitForLine((l) => l.startsWith('TLS handshake failed') && l.endsWith('PEER_DID_NOT_RETURN_A_CERTIFICATE'));
  });

  test('and it still serves a client with a good certificate', async () => {
    const out = await asClient(`--cert=${pki.client.cert}`, `--key=${pki.client.key}`, 'again');
    expect(out.stdout).toMatch(/^Echoed: again$/m);
    expect(await server.stop('SIGTERM')).toEqual({ code: 143, signal: null });
    expect(server.stderr).toBe('');
  });

  test('the mutual-tls example accepts alice and refuses the others', () => {
    const out = runExample('mutual-tls');
    expect(out.code).toBe(0);
    expect(out.stdout.split('\n')).toEqual([
      'alice (certificate from Example Corp CA): hello alice',
      'mallory (certificate from another CA): the server closed the connection',
      'anonymous (no certificate): refused (TLSV13_ALERT_CERTIFICATE_REQUIRED)',
      'server refused: CERTIFICATE_VERIFY_FAILED, PEER_DID_NOT_RETURN_A_CERTIFICATE',
      '',
    ]);
  });
});

test('STARTTLS: the starttls example switches to TLS mid-conversation and loses nothing', () => {
  const out = runExample('starttls');
  expect(out.code).toBe(0);
  expect(out.stderr).toBe('');
  expect(out.stdout).toContain('server got "STARTTLS" (plain text)');
  expect(out.stdout).toContain('client switched to TLSv1.3, server certificate for localhost');
  expect(out.stdout).toContain('server got "PASSWORD hunter2" (over TLS)');
  expect(out.stdout).toContain('client sent "QUIT", got "221 bye"');
});

describe('OpenSSL on the other end', () => {
  const openssl = opensslPath();
  if (openssl === null) throw new Error('these tests need the openssl command line tool (Debian: apt-get install openssl)');

  /** Collects a child's stdout and stderr; `waitFor` resolves once the output contains a text. */
  function watch(child: ChildProcess) {
    let out = '';
    let waiters: Array<[string, () => void]> = [];
    const onData = (d: Buffer) => {
      out += d.toString();
      const ready = waiters.filter(([text]) => out.includes(text));
      waiters = waiters.filter(([text]) => !out.includes(text));
      for (const [, resolve] of ready) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    return {
      get output() {
        return out;
      },
      waitFor: (text: string) => (out.includes(text) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push([text, resolve]))),
    };
  }

  test('openssl s_client talks to our TLS echo server, verifies it and gets its bytes back', async () => {
    const server = await startTlsServer();
    const client = spawn(
      openssl,
      ['s_client', '-connect', `127.0.0.1:${server.port}`, '-CAfile', pki.ca, '-servername', 'localhost', '-verify_hostname', 'localhost', '-verify_return_error', '-brief'],
      { env: CHILD_ENV, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const seen = watch(client);
    await seen.waitFor('CONNECTION ESTABLISHED');
    client.stdin!.write('hello from openssl\n');
    await seen.waitFor('hello from openssl\n');
    client.kill('SIGTERM');
    await new Promise((resolve) => client.once('close', resolve));
    expect(seen.output).toContain('Verification: OK');
    expect(seen.output).toMatch(/Protocol version: TLSv1\.3/);
    await server.waitForCount('Connection closed', 1);
    expect(await server.stop('SIGTERM')).toEqual({ code: 143, signal: null });
  });

  test('our TLS client talks to openssl s_server and verifies it', async () => {
    // Port 0: s_server says the port it bound on its ACCEPT line.
    const server = spawn(openssl, ['s_server', '-accept', '127.0.0.1:0', '-cert', pki.server.cert, '-key', pki.server.key, '-rev', '-naccept', '1'], {
      env: CHILD_ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const seen = watch(server);
    const closed = new Promise((resolve) => server.once('close', resolve));
    try {
      await seen.waitFor('ACCEPT');
      const port = portNamedIn(seen.output);
      expect(port).not.toBeNull();
      // s_server -rev sends each line back reversed.
      const out = await runTlsClient(['127.0.0.1', String(port), `--cafile=${pki.ca}`, '--server-hostname=localhost', 'hello s_server\n']);
      expect(out.stdout).toMatch(/^Connected: TLSv1.3 \S+, server certificate for localhost$/m);
      expect(out.stdout).toContain('Echoed: revres_s olleh\n');
      expect(out.code).toBe(0);
    } finally {
      server.kill('SIGTERM');
      await closed;
    }
  });
});

