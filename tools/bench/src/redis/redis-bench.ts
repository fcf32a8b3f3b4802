/**
 * The Redis client benchmark: `@curio/redis` against `ioredis` and `redis` (node-redis),
 * in the same run, against the same throwaway redis-server (started here on a free
 * 127.0.0.1 port, see tools/scripts/redis-server.cjs). Two workloads, one connection each:
 * - roundtrip: SET then GET of a 100-byte value, one command at a time (commands/s);
 * - pipelined: pipelines of 1,000 commands (500 SET, 500 GET) (commands/s).
 * Every cell runs in its own fresh Node process; the rounds interleave the clients, so a
 * change of machine load hits all of them. Prints the median, the spread (slowest and
 * fastest round) and Curio's ratio to each.
 *
 * Usage: `node dist/redis/redis-bench.js [--rounds=5] [--duration=1500] [--warmup=500]
 * [--clients=curio,ioredis,node-redis] [--workloads=roundtrip,pipelined] [--json] [--svg=PATH]`
 * @packageDocumentation
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatNumber, formatRatio, renderTable } from '../format.js';
import { median } from '../stats.js';
import { packageVersion } from '../version.js';
import { CLIENTS, WORKLOADS, type ClientName, type Workload } from './clients.js';
import { listOf, optionPairs, wholeNumber } from '../args.js';
import { benchReport } from '../report-json.js';
import { defaultOutput, emitReport, outputOption, OUTPUT_USAGE } from '../report-output.js';

interface RedisServer {
  port: number;
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./redis-child.js', import.meta.url));
const require = createRequire(import.meta.url);
const { startRedisServer } = require('../../../scripts/redis-server.cjs') as { startRedisServer(): Promise<RedisServer> };

function parseArgs(argv: readonly string[]) {
  const o = { rounds: 5, duration: 1500, warmup: 500, clients: [...CLIENTS], workloads: [...WORKLOADS], output: defaultOutput() };
  for (const [key, value] of optionPairs(argv)) {
    if (key === '--rounds') o.rounds = wholeNumber(key, value, 1);
    else if (key === '--duration') o.duration = wholeNumber(key, value, 100);
    else if (key === '--warmup') o.warmup = wholeNumber(key, value, 0);
    else if (key === '--clients') o.clients = listOf(key, value, CLIENTS);
    else if (key === '--workloads') o.workloads = listOf(key, value, WORKLOADS);
    else if (!outputOption(o.output, key, value)) throw new Error(`unknown option '${key}' (options: --rounds=N --duration=MS --warmup=MS --clients=a,b --workloads=a,b ${OUTPUT_USAGE})`);
  }
  return o;
}

function cell(client: ClientName, workload: Workload, port: number, warmup: number, ms: number): { rate: number; cpu: number } {
  const out = execFileSync(process.execPath, [CHILD, client, workload, String(port), String(warmup), String(ms)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() as string) as { rate: number; cpu: number };
}

const options = parseArgs(process.argv.slice(2));
const loadBefore = loadavg()[0];
const server = await startRedisServer();
const samples = new Map<string, number[]>();
const cpuSamples = new Map<string, number[]>();
const total = options.rounds * options.workloads.length * options.clients.length;
let done = 0;
try {
  for (let round = 0; round < options.rounds; round++) {
    for (const workload of options.workloads) {
      for (const client of options.clients) {
        const key = `${client}/${workload}`;
        // One line per cell on stderr: a full run takes over a minute, and stdout keeps only the tables.
        process.stderr.write(`  [${++done}/${total}] round ${round + 1} ${workload} ${client} ... `);
        const result = cell(client, workload, server.port, options.warmup, options.duration);
        process.stderr.write(`${formatNumber(result.rate)} commands/s, ${result.cpu.toFixed(2)} µs CPU/command\n`);
        samples.set(key, [...(samples.get(key) ?? []), result.rate]);
        cpuSamples.set(key, [...(cpuSamples.get(key) ?? []), result.cpu]);
      }
    }
  }
} finally {
  await server.stop();
}
const loadAfter = loadavg()[0];
const redisVersion = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).match(/v=(\S+)/)?.[1] ?? '?';

const text = [
  `# Redis clients: commands/s on one connection, median of ${options.rounds} rounds (${options.duration} ms each, after ${options.warmup} ms warm-up)`,
  `node ${process.version}, ${cpus().length} cores, redis-server ${redisVersion}; ioredis ${packageVersion('ioredis')}, redis ${packageVersion('redis')}; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after\n`,
];
const others = options.clients.filter((c) => c !== 'curio');
const header = ['workload', ...options.clients, ...others.map((c) => `curio ÷ ${c}`), 'target (>= 0.90x of each)'];
const rows: string[][] = [header];
const spread: string[][] = [['workload', ...options.clients.map((c) => `${c} (slowest..fastest)`)]];
for (const workload of options.workloads) {
  const med = (c: ClientName) => median(samples.get(`${c}/${workload}`) ?? [Number.NaN]);
  const ratios = others.map((c) => med('curio') / med(c));
  const hasCurio = options.clients.includes('curio');
  rows.push([
    workload,
    ...options.clients.map((c) => formatNumber(med(c))),
    ...ratios.map((r) => (hasCurio ? formatRatio(r) : '-')),
    hasCurio ? (ratios.every((r) => r >= 0.9) ? 'met' : 'missed') : '-',
  ]);
  spread.push([workload, ...options.clients.map((c) => {
    const xs = samples.get(`${c}/${workload}`) ?? [];
    return `${formatNumber(Math.min(...xs))}..${formatNumber(Math.max(...xs))}`;
  })]);
}
text.push(renderTable(rows), '\nSpread over the rounds:\n', renderTable(spread));
text.push('\nClient CPU time per command (µs, user + system, median; lower is better; curio ÷ X below 1x means Curio uses less):\n');
const cpuRows: string[][] = [['workload', ...options.clients, ...others.map((c) => `curio ÷ ${c}`), 'spread (slowest..fastest per client)']];
for (const workload of options.workloads) {
  const med = (c: ClientName) => median(cpuSamples.get(`${c}/${workload}`) ?? [Number.NaN]);
  cpuRows.push([
    workload,
    ...options.clients.map((c) => med(c).toFixed(2)),
    ...others.map((c) => (options.clients.includes('curio') ? formatRatio(med('curio') / med(c)) : '-')),
    options.clients.map((c) => {
      const xs = cpuSamples.get(`${c}/${workload}`) ?? [];
      return `${Math.max(...xs).toFixed(1)}..${Math.min(...xs).toFixed(1)}`;
    }).join(' / '),
  ]);
}
text.push(renderTable(cpuRows));
const comparisons = options.clients.includes('curio')
  ? options.workloads.flatMap((workload) =>
      others.map((c) => ({ case: workload, contender: 'curio', baseline: c, unit: 'commands/s', higherIsBetter: true, contenderSamples: samples.get(`curio/${workload}`) ?? [], baselineSamples: samples.get(`${c}/${workload}`) ?? [] })),
    )
  : [];
emitReport(options.output, benchReport('redis', options.rounds, comparisons), text.join('\n'));
