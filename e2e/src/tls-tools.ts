/**
 * TLS helpers for the end-to-end tests: a test PKI written to files (made at test time by
 * `@curio/ssl`), TLS echo clients with plain `node:tls`, and short-lived helper
 * processes (the example TLS client, `openssl`) whose output the tests read.
 * @packageDocumentation
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { run, createCertificateAuthority, type CertificateAndKey } from 'curio';
import { HOST } from './clients.js';
import { CHILD_ENV, WORKSPACE_ROOT, example } from './server-process.js';

/** PEM files of the test PKI, by role. */
export interface PkiFiles {
  dir: string;
  ca: string;
  otherCa: string;
  server: { cert: string; key: string };
  expired: { cert: string; key: string };
  client: { cert: string; key: string };
  otherClient: { cert: string; key: string };
  /** The test CA's certificate, PEM text. */
  caPem: string;
}

const DAY = 24 * 60 * 60 * 1000;

/** Makes a CA, another CA, server (good and expired) and client certificates, as files in a temp directory. */
export async function writePki(): Promise<PkiFiles> {
  const dir = mkdtempSync(join(tmpdir(), 'curio-e2e-tls-'));
  const made = await run(function* () {
    const ca = yield* createCertificateAuthority({ commonName: 'Curio E2E CA' });
    const otherCa = yield* createCertificateAuthority({ commonName: 'Untrusted CA' });
    return {
      ca,
      otherCa,
      server: yield* ca.issueCertificate({ commonName: 'localhost' }),
      expired: yield* ca.issueCertificate({ commonName: 'localhost', notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY) }),
      client: yield* ca.issueCertificate({ commonName: 'alice', purpose: 'client' }),
      otherClient: yield* otherCa.issueCertificate({ commonName: 'mallory', purpose: 'client' }),
    };
  });
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const pair = (name: string, c: CertificateAndKey) => ({ cert: write(`${name}.pem`, c.cert), key: write(`${name}.key`, c.key) });
  return {
    dir,
    ca: write('ca.pem', made.ca.cert),
    otherCa: write('other-ca.pem', made.otherCa.cert),
    server: pair('server', made.server),
    expired: pair('expired', made.expired),
    client: pair('client', made.client),
    otherClient: pair('other-client', made.otherClient),
    caPem: made.ca.cert,
  };
}

/** A TLS connection to 127.0.0.1:`port` that trusts `ca` and checks the name localhost; resolves after the handshake. */
export function connectTls(port: number, ca: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: HOST, port, ca, servername: 'localhost' });
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve(socket);
    });
  });
}

/** How a helper process ended, and what it printed. */
export interface ProcessOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built example TLS client with `args` and waits for it to exit. */
export function runTlsClient(args: readonly string[]): Promise<ProcessOutput> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [example('tls-echo-client'), ...args], { cwd: WORKSPACE_ROOT, env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a built example that ends by itself (starttls, mutual-tls). */
export function runExample(name: string): ProcessOutput {
  const r = spawnSync(process.execPath, [example(name)], { cwd: WORKSPACE_ROOT, env: CHILD_ENV, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The openssl command line tool, or null if this machine has none. */
export function opensslPath(): string | null {
  const r = spawnSync('which', ['openssl'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}
