import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run, type Operation } from '@curio/kernel';
import { socket, AF_INET, SOCK_DGRAM } from '@curio/io';
import {
  SSLContext, createDefaultContext, wrapSocket, Purpose, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, CERT_NONE, CERT_OPTIONAL,
  CERT_REQUIRED, TLSVersion, SSLError, type VerifyMode,
} from '../src/index.js';
import { makePki, type Pki } from './pki.js';

let pki: Pki;
let dir: string;
beforeAll(async () => {
  pki = await makePki();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-ssl-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('createDefaultContext', () => {
  it('SERVER_AUTH (the default) is a client context that verifies the certificate and the host name', () => {
    const ctx = createDefaultContext();
    expect([ctx.protocol, ctx.verifyMode, ctx.checkHostname]).toEqual([PROTOCOL_TLS_CLIENT, CERT_REQUIRED, true]);
    expect([ctx.minimumVersion, ctx.maximumVersion]).toEqual(['TLSv1.2', 'TLSv1.3']);
    // The default roots: Node's own store (no `ca` option replacing it).
    expect(ctx.secureContextOptions().ca).toBeUndefined();
  });

  it('CLIENT_AUTH is a server context that does not ask for client certificates', () => {
    const ctx = createDefaultContext(Purpose.CLIENT_AUTH);
    expect([ctx.protocol, ctx.verifyMode, ctx.checkHostname]).toEqual([PROTOCOL_TLS_SERVER, CERT_NONE, false]);
  });

  it('cafile, capath and cadata replace the default roots', () => {
    const file = path.join(dir, 'ca.pem');
    fs.writeFileSync(file, pki.ca.cert);
    const sub = fs.mkdtempSync(path.join(dir, 'capath-'));
    fs.writeFileSync(path.join(sub, 'other.crt'), pki.otherCa.cert);
    fs.writeFileSync(path.join(sub, 'notes.txt'), 'not a certificate');
    expect(createDefaultContext(Purpose.SERVER_AUTH, { cafile: file }).secureContextOptions().ca).toEqual([pki.ca.cert]);
    expect(createDefaultContext(Purpose.SERVER_AUTH, { capath: sub }).secureContextOptions().ca).toEqual([pki.otherCa.cert]);
    expect(createDefaultContext(Purpose.SERVER_AUTH, { cadata: Buffer.from(pki.ca.cert) }).secureContextOptions().ca).toEqual([pki.ca.cert]);
  });

  it('rejects an unknown purpose', () => {
    expect(() => createDefaultContext('BOTH' as Purpose)).toThrow(/purpose must be Purpose.SERVER_AUTH or Purpose.CLIENT_AUTH, got "BOTH" \(a string\)/);
  });
});

describe('SSLContext settings', () => {
  it('a bare context trusts nothing until CAs or the default roots are loaded', () => {
    const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
    expect(ctx.secureContextOptions().ca).toEqual([]);
    ctx.loadVerifyLocations(pki.ca.cert);
    expect(ctx.secureContextOptions().ca).toEqual([pki.ca.cert]);
    ctx.loadDefaultCerts();
    const ca = ctx.secureContextOptions().ca as string[];
    expect(ca.length).toBeGreaterThan(1);
    expect(ca[ca.length - 1]).toBe(pki.ca.cert);
  });

  it('follows Python: CERT_NONE needs checkHostname off, and checkHostname on turns CERT_NONE into CERT_REQUIRED', () => {
    const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
    expect(() => {
      ctx.verifyMode = CERT_NONE;
    }).toThrow(/cannot set CERT_NONE while checkHostname is true/);
    ctx.checkHostname = false;
    ctx.verifyMode = CERT_NONE;
    expect(ctx.verifyMode).toBe(CERT_NONE);
    ctx.checkHostname = true;
    expect(ctx.verifyMode).toBe(CERT_REQUIRED);
    ctx.verifyMode = CERT_OPTIONAL;
    expect(ctx.verifyMode).toBe(CERT_OPTIONAL);
    expect(() => {
      ctx.verifyMode = 3 as VerifyMode;
    }).toThrow(/verifyMode must be CERT_NONE, CERT_OPTIONAL or CERT_REQUIRED, got 3/);
    expect(() => new SSLContext('PROTOCOL_SSLv23' as typeof PROTOCOL_TLS_CLIENT)).toThrow(/protocol must be PROTOCOL_TLS_CLIENT or PROTOCOL_TLS_SERVER, got "PROTOCOL_SSLv23" \(a string\)/);
  });

  it('checks TLS versions, and a minimum above the maximum when the context is used', () => {
    const ctx = createDefaultContext();
    ctx.minimumVersion = TLSVersion.TLSv1_3;
    expect(ctx.secureContextOptions()).toMatchObject({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' });
    expect(() => {
      ctx.maximumVersion = 'TLSv1.4' as TLSVersion;
    }).toThrow(/maximumVersion must be one of 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3' \(TLSVersion\), got "TLSv1.4" \(a string\)/);
    ctx.maximumVersion = TLSVersion.TLSv1_2;
    expect(() => ctx.secureContextOptions()).toThrow(/minimumVersion TLSv1.3 is above maximumVersion TLSv1.2/);
  });

  it('loads a certificate chain from PEM text, bytes, files, and one file holding both', () => {
    const certFile = path.join(dir, 'server.pem');
    const keyFile = path.join(dir, 'server.key');
    const both = path.join(dir, 'both.pem');
    fs.writeFileSync(certFile, pki.server.cert);
    fs.writeFileSync(keyFile, pki.server.key);
    fs.writeFileSync(both, pki.server.cert + pki.server.key);
    const ctx = createDefaultContext(Purpose.CLIENT_AUTH);
    ctx.loadCertChain(pki.server.cert, pki.server.key);
    ctx.loadCertChain(Buffer.from(pki.server.cert), Buffer.from(pki.server.key));
    ctx.loadCertChain(certFile, keyFile);
    ctx.loadCertChain(both);
    expect(ctx.secureContextOptions()).toMatchObject({ cert: pki.server.cert + pki.server.key });
  });

  it('refuses a key that does not match the certificate with an SSLError, and bad sources with TypeErrors naming them', () => {
    const ctx = createDefaultContext(Purpose.CLIENT_AUTH);
    let error: unknown;
    try {
      ctx.loadCertChain(pki.server.cert, pki.client.key);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SSLError);
    expect((error as SSLError).reason).toMatch(/KEY_VALUES_MISMATCH/);
    expect(() => ctx.loadCertChain(pki.server.cert)).toThrow(/no private key given: pass keyfile/);
    expect(() => ctx.loadCertChain('/no/such/file.pem', pki.server.key)).toThrow(/the certificate '\/no\/such\/file.pem' is neither PEM text nor a readable file/);
    expect(() => ctx.loadCertChain(42 as unknown as string)).toThrow(/the certificate must be PEM text, a Buffer of PEM or a file path, got 42/);
    expect(() => ctx.loadCertChain(Buffer.from('hello'), pki.server.key)).toThrow(/the certificate bytes are not PEM/);
    expect(() => ctx.loadVerifyLocations([])).toThrow(/give at least one CA certificate/);
  });

  it('checks ALPN lists, cipher lists and the SNI callback', () => {
    const ctx = createDefaultContext();
    ctx.setAlpnProtocols(['h2', 'http/1.1']);
    expect(() => ctx.setAlpnProtocols(['h2', ''])).toThrow(/expected an array of protocol names/);
    expect(() => ctx.setAlpnProtocols('h2' as unknown as string[])).toThrow(/got "h2" \(a string\)/);
    expect(() => ctx.setCiphers('')).toThrow(/expected an OpenSSL cipher list/);
    ctx.setCiphers('ECDHE-RSA-AES128-GCM-SHA256');
    expect(ctx.secureContextOptions().ciphers).toBe('ECDHE-RSA-AES128-GCM-SHA256');
    let error: unknown;
    try {
      ctx.setCiphers('NO-SUCH-CIPHER');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SSLError);
    expect((error as SSLError).message).toMatch(/^SSLContext.setCiphers\(\): /);
    expect(ctx.secureContextOptions().ciphers).toBe('ECDHE-RSA-AES128-GCM-SHA256');
    expect(() => {
      ctx.sniCallback = 'x' as unknown as null;
    }).toThrow(/sniCallback must be a function/);
  });
});

describe('wrapSocket argument checks', () => {
  it('refuses a non-context, a datagram socket, an unconnected socket and the wrong side, leaving the socket open', async () => {
    const out = await run(function* () {
      const errors: string[] = [];
      const attempt = function* (op: () => Operation<unknown>): Operation<void> {
        try {
          yield* op();
        } catch (e) {
          errors.push((e as Error).message);
        }
      };
      const tcp = socket();
      const udp = socket(AF_INET, SOCK_DGRAM);
      yield* attempt(() => wrapSocket(tcp, {} as SSLContext));
      yield* attempt(() => wrapSocket(udp, createDefaultContext()));
      yield* attempt(() => wrapSocket(tcp, createDefaultContext()));
      yield* attempt(() => wrapSocket(tcp, createDefaultContext(), { serverSide: true }));
      yield* attempt(() => wrapSocket(tcp, createDefaultContext(Purpose.CLIENT_AUTH)));
      yield* attempt(() => wrapSocket(tcp, createDefaultContext(), { serverHostname: '' }));
      const open = !tcp.closed;
      tcp.close();
      udp.close();
      return { errors, open };
    });
    expect(out.open).toBe(true);
    expect(out.errors).toEqual([
      expect.stringMatching(/context must be an SSLContext, got an object$/),
      expect.stringMatching(/TLS needs a stream socket/),
      expect.stringMatching(/ENOTCONN/),
      expect.stringMatching(/a PROTOCOL_TLS_CLIENT context cannot do the server side/),
      expect.stringMatching(/a PROTOCOL_TLS_SERVER context cannot do the client side/),
      expect.stringMatching(/serverHostname must be a non-empty string, got "" \(an empty string\)/),
    ]);
  });
});
