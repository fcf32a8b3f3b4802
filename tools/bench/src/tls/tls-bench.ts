/**
 * The TLS benchmark: Curio's TLS echo server (`runServer` with the `ssl` option) against
 * a plain `node:tls` callback echo server, in the same run, each as its own process,
 * driven by the same load generator (tls-loadgen.ts, its own process):
 * - echo: 100 connections ping-ponging 1,000-byte messages, round trips per second;
 * - handshakes: 16 workers each connecting, handshaking and closing, handshakes per second;
 * plus how long making a development certificate takes and stalls the kernel.
 *
 * The server is pinned to CPU 0 and the generator to CPU 1 when the machine allows.
 * Usage: `node dist/tls/tls-bench.js [--rounds=3] [--warmup-rounds=1] [--duration=4000] [--warmup=1000]
 * [--connections=100] [--handshake-workers=16] [--size=1000] [--cert-runs=6] [--json] [--svg=PATH]`
 * @packageDocumentation
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, createCertificateAuthority } from 'curio';
import { formatNumber, formatPercent as percent, formatRatio, renderTable } from '../format.js';
import { median } from '../stats.js';
import { benchRounds, rotated, startListeningServer, stopServer, type ListeningServer } from '../server-process.js';
import { runLoadGenerator, serverMicrosPerRequest, type LoadResult } from '../echo/load-result.js';
import { certTimings } from './cert-timing.js';
import { optionPairs, wholeNumber } from '../args.js';
import { runMain } from '../script.js';
import { benchReport, type Comparison } from '../report-json.js';
import { defaultOutput, emitReport, outputOption, OUTPUT_USAGE, type OutputOptions } from '../report-output.js';
import { waitForQuietMachine } from '../echo/cpu.js';
import { pinned, pinning } from '../pinning.js';

const SERVERS = {
  'node:tls': fileURLToPath(new URL('./node-tls-server.js', import.meta.url)),
  curio: fileURLToPath(new URL('./curio-tls-server.js', import.meta.url)),
} as const;
type ServerName = keyof typeof SERVERS;
const SERVER_NAMES = Object.keys(SERVERS) as ServerName[];
const LOADGEN = fileURLToPath(new URL('./tls-loadgen.js', import.meta.url));
type Mode = 'echo' | 'handshake';

interface Options {
  rounds: number;
  /** Whole rounds run first and not counted (default 1 when there are several rounds; see benchRounds). */
  warmupRounds: number;
  duration: number;
  warmup: number;
  connections: number;
  handshakeWorkers: number;
  size: number;
  certRuns: number;
  output: OutputOptions;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { rounds: 3, warmupRounds: -1, duration: 4000, warmup: 1000, connections: 100, handshakeWorkers: 16, size: 1000, certRuns: 6, output: defaultOutput() };
  for (const [key, value] of optionPairs(argv)) {
    if (key === '--rounds') o.rounds = wholeNumber(key, value, 1);
    else if (key === '--warmup-rounds') o.warmupRounds = wholeNumber(key, value, 0);
    else if (key === '--duration') o.duration = wholeNumber(key, value, 100);
    else if (key === '--warmup') o.warmup = wholeNumber(key, value, 0);
    else if (key === '--connections') o.connections = wholeNumber(key, value, 1);
    else if (key === '--handshake-workers') o.handshakeWorkers = wholeNumber(key, value, 1);
    else if (key === '--size') o.size = wholeNumber(key, value, 1);
    else if (key === '--cert-runs') o.certRuns = wholeNumber(key, value, 0);
    else if (!outputOption(o.output, key, value)) throw new Error(`unknown option '${key}' (options: --rounds=N --warmup-rounds=N --duration=MS --warmup=MS --connections=N --handshake-workers=N --size=N --cert-runs=N ${OUTPUT_USAGE})`);
  }
  if (o.warmupRounds < 0) o.warmupRounds = o.rounds > 1 ? 1 : 0;
  return o;
}

interface Files {
  dir: string;
  ca: string;
  cert: string;
  key: string;
}

async function startServer(name: ServerName, files: Files): Promise<ListeningServer> {
  const [cmd, args] = pinned(0, [SERVERS[name], '0', `--cert=${files.cert}`, `--key=${files.key}`]);
  return startListeningServer(name, cmd, args);
}

async function measure(name: ServerName, mode: Mode, o: Options, files: Files): Promise<LoadResult> {
  await waitForQuietMachine();
  const { process: server, port } = await startServer(name, files);
  try {
    const connections = mode === 'echo' ? o.connections : o.handshakeWorkers;
    const [cmd, args] = pinned(1, [LOADGEN, `--mode=${mode}`, `--port=${port}`, `--ca=${files.ca}`, `--connections=${connections}`, `--size=${o.size}`, `--warmup=${o.warmup}`, `--duration=${o.duration}`, `--server-pid=${server.pid}`]);
    return await runLoadGenerator(cmd, args);
  } finally {
    await stopServer(server);
  }
}

const range = (xs: number[]) => `${formatNumber(Math.min(...xs))}-${formatNumber(Math.max(...xs))}`;

async function makeFiles(): Promise<Files> {
  const dir = mkdtempSync(join(tmpdir(), 'curio-tls-bench-'));
  const { ca, server } = await run(function* () {
    const authority = yield* createCertificateAuthority({ commonName: 'TLS bench CA' });
    return { ca: authority.cert, server: yield* authority.issueCertificate({ commonName: 'localhost' }) };
  });
  const write = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
  return { dir, ca: write('ca.pem', ca), cert: write('server.pem', server.cert), key: write('server.key', server.key) };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const loadBefore = loadavg();
  const files = await makeFiles();
  const results = new Map<string, LoadResult[]>();
  const errors: string[] = [];
  try {
    for (const round of benchRounds(o.rounds, o.warmupRounds)) {
      for (const mode of ['echo', 'handshake'] as const) {
        for (const s of rotated(SERVER_NAMES, round.rotation)) {
          process.stderr.write(`  ${round.label}: ${s} ${mode} ... `);
          try {
            const r = await measure(s, mode, o, files);
            if (!round.counted) {
              process.stderr.write(`${formatNumber(r.rate)}/s (not counted)\n`);
              continue;
            }
            results.set(`${s} ${mode}`, [...(results.get(`${s} ${mode}`) ?? []), r]);
            if (r.failures > 0) errors.push(`${s} ${mode}: ${r.failures} failure(s)`);
            process.stderr.write(`${formatNumber(r.rate)}/s (server CPU ${percent(r.serverCpu)}, loadgen CPU ${percent(r.loadgenCpu)}, other ${percent(r.otherCpu)})\n`);
          } catch (error) {
            const why = error instanceof Error ? error.message : String(error);
            errors.push(`${s} ${mode}: ${why}`);
            process.stderr.write(`failed: ${why}\n`);
          }
        }
      }
    }
  } finally {
    rmSync(files.dir, { recursive: true, force: true });
  }
  const rows: string[][] = [
    ['workload', 'node:tls (median, range)', 'curio (median, range)', 'curio/node:tls (median, range of per-round ratios)', 'server CPU node:tls / curio', 'server CPU µs per op node:tls / curio', 'other CPU'],
  ];
  // CPU time per round trip or handshake: steadier than rates when other work shares the machine.
  const cpuPerOp = (rs: LoadResult[]) => {
    const xs = rs.map(serverMicrosPerRequest).filter((x) => x !== null);
    return xs.length === 0 ? '-' : median(xs).toFixed(0);
  };
  let met: boolean | null = null;
  const comparisons: Comparison[] = [];
  for (const mode of ['echo', 'handshake'] as const) {
    const base = results.get(`node:tls ${mode}`) ?? [];
    const ours = results.get(`curio ${mode}`) ?? [];
    if (base.length === 0 || ours.length === 0) continue;
    const ratios = ours.slice(0, Math.min(ours.length, base.length)).map((r, i) => r.rate / base[i].rate);
    const ratio = median(ours.map((r) => r.rate)) / median(base.map((r) => r.rate));
    if (mode === 'echo') met = ratio >= 0.9;
    const label = mode === 'echo' ? `echo, ${o.connections} connections x ${o.size} B (round trips/s)` : `handshakes, ${o.handshakeWorkers} workers (handshakes/s)`;
    comparisons.push({ case: label, contender: 'curio', baseline: 'node:tls', unit: mode === 'echo' ? 'round trips/s' : 'handshakes/s', higherIsBetter: true, contenderSamples: ours.map((r) => r.rate), baselineSamples: base.map((r) => r.rate) });
    rows.push([
      label,
      `${formatNumber(median(base.map((r) => r.rate)))} (${range(base.map((r) => r.rate))})`,
      `${formatNumber(median(ours.map((r) => r.rate)))} (${range(ours.map((r) => r.rate))})`,
      `${formatRatio(ratio)} (${formatRatio(Math.min(...ratios))}-${formatRatio(Math.max(...ratios))})`,
      `${percent(median(base.map((r) => r.serverCpu ?? 0)))} / ${percent(median(ours.map((r) => r.serverCpu ?? 0)))}`,
      `${cpuPerOp(base)} / ${cpuPerOp(ours)}`,
      `${percent(median([...base, ...ours].map((r) => r.otherCpu ?? 0)))}`,
    ]);
  }
  const out: string[] = [];
  out.push('Curio TLS benchmark');
  out.push(`command: node ${process.argv.slice(1).join(' ')} (npm run bench:tls -w @curio/bench; node tools/scripts/bench.mjs tls)`);
  out.push(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadavg().map((x) => x.toFixed(2)).join(' ')}, ${new Date().toISOString()}`);
  out.push(
    `method: TLS 1.3, RSA 2048 server certificate; each cell a fresh server and load-generator process started once the machine is quiet, ${o.warmup} ms warm-up then ${o.duration} ms measured, ${o.rounds} round(s) (the servers' order rotating from round to round${o.warmupRounds > 0 ? `, after ${o.warmupRounds} warm-up round(s) not counted` : ''}), ` +
      `${pinning ? 'server pinned to CPU 0, load generator to CPU 1' : 'no CPU pinning'}.`,
  );
  out.push('');
  out.push(renderTable(rows));
  if (met !== null) out.push(`target (echo >= 0.90x node:tls): ${met ? 'met' : 'NOT met'}`);
  if (o.certRuns > 0) {
    const timings = await certTimings(o.certRuns);
    out.push('');
    out.push(
      renderTable([
        ['making a self-signed certificate (RSA 2048)', 'runs', 'ms each (median, range)', 'longest kernel stall (ms)'],
        ...timings.map((t) => [t.name, String(t.runs), `${median(t.msEach).toFixed(0)} (${Math.min(...t.msEach).toFixed(0)}-${Math.max(...t.msEach).toFixed(0)})`, t.longestStallMs.toFixed(0)]),
      ]),
    );
    out.push('kernel stall: the longest gap a task sleeping 1 ms in a loop saw while the certificates were made (1-2 ms means no stall).');
  }
  for (const e of errors) out.push(`error: ${e}`);
  emitReport(o.output, benchReport('tls', o.rounds, comparisons, errors), out.join('\n'));
  if (errors.length > 0) process.exitCode = 1;
}

runMain(main);
