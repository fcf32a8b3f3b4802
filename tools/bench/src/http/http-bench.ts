/**
 * The HTTP benchmark: the example server built on `@curio/http`
 * (`examples/dist/http-server.js`) against a `node:http` hello world and a fastify hello
 * world with the same routes (node-http-server.ts, fastify-server.ts), in the same run,
 * each as its own process, loaded by wrk (Debian's `wrk`, installed when missing):
 * 100 and 1,000 keep-alive connections on `GET /` and on `POST /echo` with 16 KiB bodies.
 * Reports requests/s, p99 latency and server CPU per request, each with its spread over
 * the rounds, and each as a ratio to node:http.
 *
 * The server is pinned to CPU 0 and wrk to CPU 1 (`taskset`) when the machine allows.
 * Each cell is a fresh server process: its answers are checked, wrk warms it up, then wrk
 * measures it; the servers take turns within each case, their order rotating from round
 * to round, so every server samples the same stretches of a machine whose speed drifts.
 *
 * Usage: `node dist/http/http-bench.js [--rounds=3] [--warmup-rounds=0] [--duration=5000] [--warmup=1000]
 * [--connections=100,1000] [--routes=get,echo] [--body-size=16384] [--servers=curio,node:http,fastify]
 * [--cpu-prof=DIR] [--json] [--svg=PATH]`
 * @packageDocumentation
 */
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listOf, optionPairs, wholeNumber } from '../args.js';
import { formatNumber, formatPercent as percent, formatRatio, renderTable } from '../format.js';
import { pinning } from '../pinning.js';
import { benchReport, spreadOf, type Comparison, type ReportRow } from '../report-json.js';
import { defaultOutput, emitReport, outputOption, OUTPUT_USAGE, type OutputOptions } from '../report-output.js';
import { runMain } from '../script.js';
import { benchRounds, rotated } from '../server-process.js';
import { median } from '../stats.js';
import { packageVersion } from '../version.js';
import { measureCell, type CellResult, type ServerCommand } from './cell.js';
import { ensureWrk, type Route } from './wrk.js';

const SERVERS = {
  curio: fileURLToPath(new URL('../../../../examples/dist/http-server.js', import.meta.url)),
  'node:http': fileURLToPath(new URL('./node-http-server.js', import.meta.url)),
  fastify: fileURLToPath(new URL('./fastify-server.js', import.meta.url)),
} as const;
type ServerName = keyof typeof SERVERS;
const SERVER_NAMES = Object.keys(SERVERS) as ServerName[];
const BASELINE: ServerName = 'node:http';
const ROUTES: readonly Route[] = ['get', 'echo'];

interface Options {
  rounds: number;
  warmupRounds: number;
  /** Measured run per cell, ms (whole seconds: wrk counts no less). */
  duration: number;
  /** Warm-up run per cell before the measured one, ms (whole seconds; 0: none). */
  warmup: number;
  connections: number[];
  routes: Route[];
  bodySize: number;
  servers: ServerName[];
  /** Where the Curio server writes a V8 CPU profile per cell (`node --cpu-prof`), or null. */
  cpuProf: string | null;
  output: OutputOptions;
}

function wholeSeconds(key: string, value: string, min: number): number {
  const ms = wholeNumber(key, value, min);
  if (ms % 1000 !== 0) throw new RangeError(`${key} needs whole seconds in ms (wrk runs whole seconds), got '${value}'`);
  return ms;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { rounds: 3, warmupRounds: 0, duration: 5000, warmup: 1000, connections: [100, 1000], routes: [...ROUTES], bodySize: 16 * 1024, servers: [...SERVER_NAMES], cpuProf: null, output: defaultOutput() };
  for (const [key, value] of optionPairs(argv)) {
    if (key === '--rounds') o.rounds = wholeNumber(key, value, 1);
    else if (key === '--warmup-rounds') o.warmupRounds = wholeNumber(key, value, 0);
    else if (key === '--duration') o.duration = wholeSeconds(key, value, 1000);
    else if (key === '--warmup') o.warmup = wholeSeconds(key, value, 0);
    else if (key === '--connections') o.connections = value.split(',').map((v) => wholeNumber(key, v, 1));
    else if (key === '--routes') o.routes = listOf(key, value, ROUTES);
    else if (key === '--body-size') o.bodySize = wholeNumber(key, value, 1);
    else if (key === '--servers') o.servers = listOf(key, value, SERVER_NAMES);
    else if (key === '--cpu-prof') {
      if (value === '') throw new Error('--cpu-prof needs a directory (--cpu-prof=profiles)');
      o.cpuProf = resolve(value);
    } else if (!outputOption(o.output, key, value)) {
      throw new Error(`unknown option '${key}' (options: --rounds=N --warmup-rounds=N --duration=MS --warmup=MS --connections=100,1000 --routes=get,echo --body-size=BYTES --servers=a,b --cpu-prof=DIR ${OUTPUT_USAGE})`);
    }
  }
  return o;
}

/** A case of the benchmark: one route at one connection count. */
interface Case {
  route: Route;
  connections: number;
  label: string;
}

function casesOf(o: Options): Case[] {
  return o.connections.flatMap((connections) =>
    o.routes.map((route) => ({ route, connections, label: `${route === 'get' ? 'GET /' : `POST /echo ${formatBytes(o.bodySize)}`}, ${connections} connections` })),
  );
}

function formatBytes(n: number): string {
  return n % 1024 === 0 ? `${n / 1024} KiB` : `${n} B`;
}

function serverCommand(name: ServerName, o: Options): ServerCommand {
  const nodeArgs = name === 'curio' && o.cpuProf !== null ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProf}`] : [];
  return { name, script: SERVERS[name], nodeArgs };
}

/** What a report row needs of a cell's samples. */
const MEASURES = [
  { unit: 'requests/s', higherIsBetter: true, pick: (r: CellResult) => r.rate },
  { unit: 'p99 latency ms', higherIsBetter: false, pick: (r: CellResult) => r.p99Ms },
  { unit: 'server CPU µs/request', higherIsBetter: false, pick: (r: CellResult) => r.cpuUsPerRequest },
] as const;

/** Every contender against node:http in each measure, and Curio against fastify in requests/s. */
function comparisons(o: Options, cases: readonly Case[], results: Map<string, CellResult[]>): Comparison[] {
  const samples = (s: ServerName, c: Case, pick: (r: CellResult) => number | null) => (results.get(`${s} ${c.label}`) ?? []).map(pick).filter((x): x is number => x !== null);
  const contenders = o.servers.includes(BASELINE) ? o.servers.filter((s) => s !== BASELINE) : [];
  const pairs = contenders.map((s): [ServerName, ServerName] => [s, BASELINE]);
  const out: Comparison[] = [];
  for (const c of cases) {
    for (const m of MEASURES) {
      for (const [contender, baseline] of pairs) out.push({ case: c.label, contender, baseline, unit: m.unit, higherIsBetter: m.higherIsBetter, contenderSamples: samples(contender, c, m.pick), baselineSamples: samples(baseline, c, m.pick) });
    }
    if (o.servers.includes('curio') && o.servers.includes('fastify')) {
      const rate = MEASURES[0];
      out.push({ case: c.label, contender: 'curio', baseline: 'fastify', unit: rate.unit, higherIsBetter: true, contenderSamples: samples('curio', c, rate.pick), baselineSamples: samples('fastify', c, rate.pick) });
    }
  }
  return out;
}

/** `median (min-max)` of the samples, formatted by `f`. */
function spreadText(xs: readonly number[], f: (x: number) => string): string {
  if (xs.length === 0) return '-';
  const s = spreadOf(xs);
  return xs.length === 1 ? f(s.median) : `${f(s.median)} (${f(s.min)}-${f(s.max)})`;
}

function resultTable(o: Options, cases: readonly Case[], results: Map<string, CellResult[]>, rows: readonly ReportRow[]): string {
  const ratio = (c: Case, s: ServerName, unit: string) => {
    if (s === BASELINE) return '1x';
    const row = rows.find((r) => r.case === c.label && r.contender === s && r.baseline === BASELINE && r.unit === unit);
    return row === undefined ? '-' : `${formatRatio(row.ratio.median)} (${formatRatio(row.ratio.min)}-${formatRatio(row.ratio.max)})`;
  };
  const table: string[][] = [['case', 'server', 'req/s median (range)', 'req/s ÷ node:http', 'p99 ms', 'p99 ÷ node:http', 'server CPU µs/req', 'CPU/req ÷ node:http', 'server CPU', 'wrk + rest CPU']];
  for (const c of cases) {
    for (const s of o.servers) {
      const rs = results.get(`${s} ${c.label}`) ?? [];
      const of = (pick: (r: CellResult) => number | null) => rs.map(pick).filter((x): x is number => x !== null);
      const share = (pick: (r: CellResult) => number | null) => (of(pick).length === 0 ? '-' : percent(median(of(pick))));
      table.push([
        c.label,
        s,
        spreadText(of((r) => r.rate), formatNumber),
        ratio(c, s, 'requests/s'),
        spreadText(of((r) => r.p99Ms), (x) => x.toFixed(1)),
        ratio(c, s, 'p99 latency ms'),
        spreadText(of((r) => r.cpuUsPerRequest), (x) => x.toFixed(0)),
        ratio(c, s, 'server CPU µs/request'),
        share((r) => r.serverCpu),
        share((r) => r.restCpu),
      ]);
    }
  }
  return renderTable(table);
}

/** The issue's target, case by case: Curio >= 1.0x node:http at the median, and ahead of fastify. */
function targetLines(cases: readonly Case[], rows: readonly ReportRow[]): string[] {
  const find = (c: Case, baseline: string) => rows.find((r) => r.case === c.label && r.contender === 'curio' && r.baseline === baseline && r.unit === 'requests/s');
  const lines: string[] = [];
  for (const c of cases) {
    const vsNode = find(c, 'node:http');
    const vsFastify = find(c, 'fastify');
    if (vsNode === undefined || vsFastify === undefined) continue;
    const met = vsNode.ratio.median >= 1 && vsFastify.ratio.median > 1;
    lines.push(`target (${c.label}): curio ${formatRatio(vsNode.ratio.median)} node:http (>= 1.0x), ${formatRatio(vsFastify.ratio.median)} fastify (> 1x; verdict ${vsFastify.verdict}): ${met ? 'met' : 'NOT met'}`);
  }
  return lines;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const wrk = ensureWrk();
  const loadBefore = loadavg();
  const cases = casesOf(o);
  const results = new Map<string, CellResult[]>();
  const errors: string[] = [];
  for (const round of benchRounds(o.rounds, o.warmupRounds)) {
    for (const c of cases) {
      for (const s of rotated(o.servers, round.rotation)) {
        process.stderr.write(`  ${round.label}: ${c.label}, ${s} ... `);
        try {
          const load = { route: c.route, connections: c.connections, bodySize: o.bodySize, warmupSeconds: o.warmup / 1000, seconds: o.duration / 1000 };
          const r = await measureCell(wrk, serverCommand(s, o), load);
          process.stderr.write(`${formatNumber(r.rate)} req/s, p99 ${r.p99Ms.toFixed(1)} ms, server CPU ${percent(r.serverCpu)}, rest ${percent(r.restCpu)}${round.counted ? '' : ' (not counted)'}\n`);
          if (!round.counted) continue;
          if (r.errors > 0) errors.push(`${s} ${c.label}: wrk counted ${r.errors} error(s)`);
          results.set(`${s} ${c.label}`, [...(results.get(`${s} ${c.label}`) ?? []), r]);
        } catch (error) {
          const why = error instanceof Error ? error.message : String(error);
          errors.push(`${s} ${c.label}: ${why}`);
          process.stderr.write(`failed: ${why}\n`);
        }
      }
    }
  }
  const report = benchReport('http', o.rounds, comparisons(o, cases, results), errors);
  const out: string[] = [];
  out.push('Curio HTTP benchmark');
  out.push(`command: node ${process.argv.slice(1).join(' ')} (npm run bench -- http)`);
  out.push(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, fastify ${packageVersion('fastify')}, load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadavg().map((x) => x.toFixed(2)).join(' ')}, ${new Date().toISOString()}`);
  out.push(
    `method: wrk 1 thread, keep-alive; each cell a fresh server process, its answers checked, ${o.warmup} ms of wrk warm-up, then ${o.duration} ms measured once the machine is quiet; ` +
      `${o.rounds} round(s), the servers taking turns in each case, their order rotating from round to round${o.warmupRounds > 0 ? ` (after ${o.warmupRounds} warm-up round(s), not counted)` : ''}; ` +
      `${pinning ? 'server pinned to CPU 0, wrk to CPU 1 (taskset)' : 'no CPU pinning (taskset missing or one core)'}.`,
  );
  out.push('');
  out.push(resultTable(o, cases, results, report.rows));
  out.push('');
  out.push('÷ node:http: median (min-max) of the per-round ratios; for p99 and CPU per request, lower is better.');
  out.push("server CPU: share of one core over the measured run (from /proc/PID/stat); wrk + rest: every other process's CPU meanwhile (wrk's own core, plus other work on the machine).");
  for (const line of targetLines(cases, report.rows)) out.push(line);
  if (o.cpuProf !== null) out.push(`CPU profiles of the curio server: ${o.cpuProf} (one .cpuprofile per cell; open in Chrome DevTools)`);
  for (const e of errors) out.push(`error: ${e}`);
  emitReport(o.output, report, out.join('\n'));
  if (errors.length > 0) process.exitCode = 1;
}

runMain(main);
