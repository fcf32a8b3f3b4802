import { X509Certificate, createPrivateKey } from 'node:crypto';
import { run, spawn, schedule, type Task } from '@curio/kernel';
import {
  createSelfSignedCertificate, createCertificateAuthority, issueCertificate, CertificateAuthority, type CertificateAndKey,
} from '../src/index.js';

const DAY = 24 * 60 * 60 * 1000;

/** The extended key usages of a certificate, by name. */
function usages(x: X509Certificate): string[] {
  const names: Record<string, string> = { '1.3.6.1.5.5.7.3.1': 'serverAuth', '1.3.6.1.5.5.7.3.2': 'clientAuth' };
  return (x.keyUsage ?? []).map((oid) => names[oid] ?? oid).sort();
}

describe('createSelfSignedCertificate', () => {
  it('makes a certificate for localhost (and its addresses) signed by its own key, valid from now for 365 days', async () => {
    const { cert, key } = await run(createSelfSignedCertificate());
    const x = new X509Certificate(cert);
    expect(x.subject).toBe('CN=localhost');
    expect(x.issuer).toBe('CN=localhost');
    expect(x.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(x.ca).toBe(false);
    const days = (Date.parse(x.validTo) - Date.now()) / DAY;
    expect(days).toBeGreaterThan(364);
    expect(days).toBeLessThan(366);
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('takes a common name, alt names, an organization and a key size', async () => {
    const { cert, key } = await run(createSelfSignedCertificate({ commonName: 'dev.test', organization: 'Curio', altNames: ['dev.test', '*.dev.test', '10.0.0.1'], keyBits: 3072 }));
    const x = new X509Certificate(cert);
    expect(x.subject.split('\n').sort()).toEqual(['CN=dev.test', 'O=Curio']);
    expect(x.subjectAltName).toBe('DNS:dev.test, DNS:*.dev.test, IP Address:10.0.0.1');
    expect(createPrivateKey(key).asymmetricKeyDetails?.modulusLength).toBe(3072);
  });

  it('does not stall the kernel: the task waits for the key while other tasks run', async () => {
    const seen = await run(function* () {
      const maker: Task = yield* spawn(createSelfSignedCertificate());
      // The maker has started and parked: it waits for the thread pool, not in a loop.
      yield* schedule();
      const state = maker.state;
      yield* maker.join();
      return state;
    });
    expect(seen).toBe('FUTURE_WAIT');
  });

  it('rejects bad options with errors naming the value', async () => {
    const bad = async (options: object): Promise<string> => {
      try {
        await run(createSelfSignedCertificate(options));
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(await bad({ commonName: '' })).toMatch(/commonName must be a non-empty string, got "" \(an empty string\)/);
    expect(await bad({ days: -1 })).toMatch(/days must be a positive number, got -1/);
    expect(await bad({ days: 2, notAfter: new Date() })).toMatch(/give days or notAfter, not both/);
    expect(await bad({ notBefore: 'yesterday' })).toMatch(/notBefore must be a valid Date, got "yesterday" \(a string\)/);
    expect(await bad({ notBefore: new Date(Date.now()), notAfter: new Date(Date.now() - DAY) })).toMatch(/notAfter \(.*\) must be after notBefore/);
    expect(await bad({ keyBits: 1000 })).toMatch(/keyBits must be a multiple of 8 from 1024 to 16384/);
    expect(await bad({ altNames: ['ok', 3] })).toMatch(/altNames must be an array of host names and IP addresses/);
  });
});

describe('a certificate authority', () => {
  let ca: CertificateAuthority;
  beforeAll(async () => {
    ca = await run(createCertificateAuthority({ commonName: 'Unit CA' }));
  });

  it('has a CA certificate, valid for ten years by default', () => {
    const x = new X509Certificate(ca.cert);
    expect([x.subject, x.issuer, x.ca]).toEqual(['CN=Unit CA', 'CN=Unit CA', true]);
    expect(x.verify(x.publicKey)).toBe(true);
    expect((Date.parse(x.validTo) - Date.now()) / DAY).toBeGreaterThan(3649);
  });

  it('issues server, client and dual-use certificates it signed', async () => {
    const [server, client, both] = await run(function* () {
      const s = yield* ca.issueCertificate({ commonName: 'localhost' });
      const c = yield* issueCertificate(ca, { commonName: 'alice', purpose: 'client' });
      const b = yield* ca.issueCertificate({ commonName: 'svc.local', purpose: 'both' });
      return [s, c, b] as CertificateAndKey[];
    });
    const caX = new X509Certificate(ca.cert);
    const [s, c, b] = [server, client, both].map((p) => new X509Certificate(p.cert));
    for (const x of [s, c, b]) {
      expect(x.issuer).toBe('CN=Unit CA');
      expect(x.checkIssued(caX)).toBe(true);
      expect(x.verify(caX.publicKey)).toBe(true);
      expect(x.ca).toBe(false);
    }
    expect(usages(s)).toEqual(['serverAuth']);
    expect(usages(c)).toEqual(['clientAuth']);
    expect(usages(b)).toEqual(['clientAuth', 'serverAuth']);
    expect(s.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(c.subjectAltName).toBeUndefined();
    expect(b.subjectAltName).toBe('DNS:svc.local');
    expect(s.serialNumber).not.toBe(c.serialNumber);
  });

  it('issues certificates with explicit validity, expired ones included', async () => {
    const notBefore = new Date(Date.now() - 10 * DAY);
    const notAfter = new Date(Date.now() - DAY);
    const expired = await run(ca.issueCertificate({ notBefore, notAfter }));
    const x = new X509Certificate(expired.cert);
    expect(Date.parse(x.validFrom)).toBe(Math.floor(notBefore.getTime() / 1000) * 1000);
    expect(Date.parse(x.validTo)).toBe(Math.floor(notAfter.getTime() / 1000) * 1000);
  });

  it('can be rebuilt from its PEM, and refuses what is not one', async () => {
    const again = new CertificateAuthority(ca.cert, ca.key);
    const issued = await run(again.issueCertificate());
    expect(new X509Certificate(issued.cert).verify(new X509Certificate(ca.cert).publicKey)).toBe(true);
    expect(() => new CertificateAuthority('nope', ca.key)).toThrow(/cert must be PEM text, got "nope" \(a string\)/);
    // Checked at once by OpenSSL, although forge parses it only when the first certificate is issued.
    expect(() => new CertificateAuthority('-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n', ca.key)).toThrow(/cert is not a certificate OpenSSL can read/);
    await expect(run(issueCertificate({} as CertificateAuthority))).rejects.toThrow(/ca must be a CertificateAuthority/);
    await expect(run(ca.issueCertificate({ purpose: 'email' as 'client' }))).rejects.toThrow(/purpose must be 'server', 'client' or 'both', got "email" \(a string\)/);
  });
});
