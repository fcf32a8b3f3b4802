/**
 * How long making a development certificate takes, and how long it stalls the kernel:
 * `@curio/ssl`'s `createSelfSignedCertificate` (key and signature by Node's asynchronous
 * crypto, the layout by node-forge) against node-forge alone (`pki.rsa.generateKeyPair`
 * and `cert.sign`, pure JavaScript on the main thread). A ticker task sleeping 1 ms in a
 * loop measures the longest gap the kernel left it while certificates were being made.
 * @packageDocumentation
 */
import forge from 'node-forge';
import { run, spawn, sleep, clock, type Operation } from 'curio';
import { createSelfSignedCertificate } from 'curio';

/** Per-certificate time and the longest kernel stall, for each way of making one. */
export interface CertTiming {
  name: string;
  runs: number;
  msEach: number[];
  longestStallMs: number;
}

/** A ticker that records the longest gap between its wake-ups. */
function* ticker(state: { longest: number; stop: boolean }): Operation<void> {
  let last = yield* clock();
  while (!state.stop) {
    yield* sleep(1);
    const now = yield* clock();
    state.longest = Math.max(state.longest, now - last);
    last = now;
  }
}

function forgeOnly(bits: number): void {
  const keys = forge.pki.rsa.generateKeyPair({ bits, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date();
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer([{ name: 'commonName', value: 'localhost' }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  forge.pki.certificateToPem(cert);
}

async function measure(name: string, runs: number, make: () => Operation<unknown>): Promise<CertTiming> {
  return run(function* () {
    const state = { longest: 0, stop: false };
    const tick = yield* spawn(ticker, state);
    yield* sleep(20);
    state.longest = 0;
    const msEach: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      yield* make();
      msEach.push(performance.now() - start);
    }
    state.stop = true;
    yield* tick.join();
    return { name, runs, msEach, longestStallMs: state.longest };
  });
}

/** Measures both ways, `runs` certificates each (RSA 2048). */
export async function certTimings(runs: number): Promise<CertTiming[]> {
  const curio = await measure('@curio/ssl createSelfSignedCertificate (Node crypto + forge layout)', runs, () => createSelfSignedCertificate());
  const forgeSync = await measure('node-forge alone (pure JS key and signature)', Math.max(1, Math.ceil(runs / 3)), function* () {
    forgeOnly(2048);
  });
  return [curio, forgeSync];
}
