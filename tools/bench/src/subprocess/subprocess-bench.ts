/**
 * The subprocess benchmark: `@curio/subprocess` against `node:child_process` with
 * promises, in the same run. Two workloads:
 * - **spawn**: 500 `true` processes, 50 at a time; processes/s (target: within 10% of
 *   child_process with promises, i.e. a ratio of at least 0.9x);
 * - **pipe**: 1 GiB through `cat` (written by one task, read back by another); MB/s
 *   (target: at least 0.9x of child_process with promises).
 *
 * Every run of every cell is a fresh process (one warm-up run, one measured run); the
 * rounds interleave the contenders, so a change of machine load hits them alike. The
 * table gives medians and the ratio of medians; the spread table the slowest and fastest
 * runs and the range of the per-round ratios.
 *
 * Usage: `node dist/subprocess/subprocess-bench.js [--rounds=5] [--workloads=spawn,pipe]
 * [--processes=500] [--concurrency=50] [--mib=1024] [--json] [--svg=PATH]`
 * @packageDocumentation
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatNumber, formatRatio, renderTable } from '../format.js';
import { median } from '../stats.js';
import { optionPairs, wholeNumber } from '../args.js';
import { runMain } from '../script.js';
import { benchReport, type Comparison } from '../report-json.js';
import { defaultOutput, emitReport, outputOption, OUTPUT_USAGE, type OutputOptions } from '../report-output.js';

const CELL = fileURLToPath(new URL('./cell.js', import.meta.url));
const WORKLOADS = ['spawn', 'pipe'] as const;
type Workload = (typeof WORKLOADS)[number];
const CONTENDERS: Record<Workload, readonly string[]> = {
  spawn: ['curio', 'child_process+promise', 'execFile+promisify'],
  pipe: ['curio', 'child_process+promise'],
};
const BASELINE = 'child_process+promise';
const TARGET: Record<Workload, number> = { spawn: 0.9, pipe: 0.9 };

interface Options {
  rounds: number;
  workloads: Workload[];
  processes: number;
  concurrency: number;
  mib: number;
  output: OutputOptions;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { rounds: 5, workloads: [...WORKLOADS], processes: 500, concurrency: 50, mib: 1024, output: defaultOutput() };
  for (const [key, value] of optionPairs(argv)) {
    if (key === '--rounds') o.rounds = wholeNumber(key, value, 1);
    else if (key === '--processes') o.processes = wholeNumber(key, value, 1);
    else if (key === '--concurrency') o.concurrency = wholeNumber(key, value, 1);
    else if (key === '--mib') o.mib = wholeNumber(key, value, 1);
    else if (key === '--workloads') {
      o.workloads = value.split(',').map((w) => {
        if (!(WORKLOADS as readonly string[]).includes(w)) throw new Error(`--workloads: unknown workload '${w}' (known: ${WORKLOADS.join(', ')})`);
        return w as Workload;
      });
    } else if (!outputOption(o.output, key, value)) throw new Error(`unknown option '${key}' (options: --rounds=N --workloads=spawn,pipe --processes=N --concurrency=N --mib=N ${OUTPUT_USAGE})`);
  }
  return o;
}

/** One measured run: its rate (processes/s or MB/s) and the parent's CPU time (ms per process or per GiB). */
interface Sample {
  rate: number;
  cpu: number;
}

/** One measured run in a fresh process. */
function measure(o: Options, workload: Workload, contender: string): Sample {
  const size = workload === 'spawn' ? o.processes : o.mib;
  const r = spawnSync(process.execPath, [CELL, contender, workload, String(size), String(o.concurrency)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${contender} ${workload} failed (status ${r.status})`);
  const { seconds, cpuSeconds, answer } = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { seconds: number; cpuSeconds: number; answer: number };
  const expected = workload === 'spawn' ? o.processes : o.mib * (1 << 20);
  if (answer !== expected) throw new Error(`${contender} ${workload}: wrong answer ${answer}, expected ${expected}`);
  if (workload === 'spawn') return { rate: o.processes / seconds, cpu: (cpuSeconds * 1000) / o.processes };
  return { rate: (o.mib * (1 << 20)) / 1e6 / seconds, cpu: (cpuSeconds * 1000) / (o.mib / 1024) };
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  const loadBefore = loadavg();
  const samples = new Map<string, number[]>();
  const cpuSamples = new Map<string, number[]>();
  const key = (w: Workload, c: string) => `${w}/${c}`;
  for (let round = 1; round <= o.rounds; round++) {
    for (const w of o.workloads) {
      // Alternate who goes first, so neither always runs on a machine the other just warmed.
      const order = round % 2 === 1 ? CONTENDERS[w] : [...CONTENDERS[w]].reverse();
      for (const c of order) {
        const { rate, cpu } = measure(o, w, c);
        samples.set(key(w, c), [...(samples.get(key(w, c)) ?? []), rate]);
        cpuSamples.set(key(w, c), [...(cpuSamples.get(key(w, c)) ?? []), cpu]);
        process.stderr.write(`round ${round} ${w} ${c}: ${formatNumber(rate)}, parent CPU ${cpu.toFixed(2)} ms\n`);
      }
    }
  }
  const loadAfter = loadavg();
  const unit: Record<Workload, string> = { spawn: 'processes/s', pipe: 'MB/s' };
  const title: Record<Workload, string> = { spawn: `${o.processes} \`true\`, ${o.concurrency} at a time`, pipe: `${o.mib} MiB through \`cat\`` };
  const cpuUnit: Record<Workload, string> = { spawn: 'ms/process', pipe: 'ms/GiB' };
  const rows = [['workload', 'unit', 'contender', 'median', 'slowest', 'fastest', `curio ÷ it (median)`, 'per-round ratio range', 'target', 'met', 'parent CPU (median)', 'its CPU ÷ curio\'s']];
  for (const w of o.workloads) {
    const curio = samples.get(key(w, 'curio')) as number[];
    for (const c of CONTENDERS[w]) {
      const xs = samples.get(key(w, c)) as number[];
      const isBaseline = c === BASELINE;
      const ratios = curio.map((x, i) => x / xs[i]);
      rows.push([
        title[w], unit[w], c, formatNumber(median(xs)), formatNumber(Math.min(...xs)), formatNumber(Math.max(...xs)),
        c === 'curio' ? '' : formatRatio(median(curio) / median(xs)),
        c === 'curio' ? '' : `${formatRatio(Math.min(...ratios))} to ${formatRatio(Math.max(...ratios))}`,
        isBaseline ? `>= ${formatRatio(TARGET[w])}` : '',
        isBaseline ? (median(curio) / median(xs) >= TARGET[w] ? 'yes' : 'no') : '',
        `${median(cpuSamples.get(key(w, c)) as number[]).toFixed(2)} ${cpuUnit[w]}`,
        c === 'curio' ? '' : formatRatio(median(cpuSamples.get(key(w, c)) as number[]) / median(cpuSamples.get(key(w, 'curio')) as number[])),
      ]);
    }
  }
  const nodeVersion = process.version;
  const cat = execFileSync('sh', ['-c', 'command -v cat'], { encoding: 'utf8' }).trim();
  const text = [
    `# subprocess benchmark: ${o.rounds} rounds, each cell a fresh process (1 warm-up + 1 measured run)`,
    `# ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${nodeVersion}, cat at ${cat}`,
    `# load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`,
    renderTable(rows),
    'Rates: higher is better, and a ratio above 1x means Curio is faster. Parent CPU: the benchmark process\'s own CPU time',
    '(the contender\'s overhead; the children\'s work is the same for both); a CPU ratio above 1x means Curio uses less.',
  ];
  const comparisons: Comparison[] = o.workloads.flatMap((w) =>
    CONTENDERS[w]
      .filter((c) => c !== 'curio')
      .map((c) => ({ case: title[w], contender: 'curio', baseline: c, unit: unit[w], higherIsBetter: true, contenderSamples: samples.get(key(w, 'curio')) ?? [], baselineSamples: samples.get(key(w, c)) ?? [] })),
  );
  emitReport(o.output, benchReport('subprocess', o.rounds, comparisons), text.join('\n'));
}

runMain(main);
