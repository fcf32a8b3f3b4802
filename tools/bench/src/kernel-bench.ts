/**
 * The kernel benchmark: spawn+join (named functions and inline closures, the latter next
 * to the bare-V8 floor), ping-pong through a queue (fresh, and after closure tasks) and heap per idle task,
 * for Curio, plain async/promises, Effect and Effection. Each (contender x workload) runs
 * in its own fresh `node --expose-gc` process; this parent collects their result lines
 * and prints one table with Curio's ratio to each alternative.
 *
 * Usage: `node dist/kernel-bench.js [--runs=7] [--warmups=3] [--only=curio,Effect]
 * [--workloads=ping-pong] [--json] [--svg=PATH]`
 * @packageDocumentation
 */
import { cpus, loadavg } from 'node:os';
import { formatNumber } from './format.js';
import { parseArgs } from './options.js';
import type { Measurement } from './protocol.js';
import { comparisons, floorTable, spreadTable, table, type Results } from './report.js';
import { benchReport } from './report-json.js';
import { emitReport } from './report-output.js';
import { measure } from './run-child.js';
import { runMain } from './script.js';

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const loadBefore = loadavg()[0];
  const results: Results = new Map();
  for (const w of options.workloads) {
    for (const c of options.contenders) {
      const started = performance.now();
      process.stderr.write(`  ${w.id} / ${c} ... `);
      const m = measure(c, w, options);
      results.set(`${c} ${w.id}`, m);
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      process.stderr.write(typeof m === 'string' ? `${m}\n` : `${formatNumber(m.median)} ${m.unit} (n=${formatNumber(m.size)}, ${m.samples.length} runs, ${secs} s)\n`);
    }
  }

  const measured = [...results.values()].filter((m): m is Measurement => typeof m === 'object');
  const versions = new Map(measured.map((m) => [m.contender, m.version]));
  const notes = new Set(measured.flatMap((m) => m.notes));
  const sizes = new Map(measured.filter((m) => m.workload === 'ping-pong').map((m) => [m.contender, m.size]));
  const out: string[] = [];
  out.push('Curio kernel benchmark');
  out.push(`command: node ${process.argv.slice(1).join(' ')} (npm run bench:kernel -w @curio/bench; node tools/scripts/bench.mjs kernel)`);
  out.push(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString()}`);
  out.push(`load average (1 min): ${loadBefore.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end (other processes share the ${cpus().length} cores: rerun when this is high)`);
  out.push(`versions: ${[...versions].map(([c, v]) => `${c} ${v}`).join(', ')}`);
  const warmup = options.warmups === 0 ? 'no warm-up' : `warm-up (at least ${options.warmups} runs and 2 s)`;
  out.push(`method: each cell is one fresh 'node --expose-gc' process: ${warmup}, then the MEDIAN of the measured runs (at least ${options.runs} and 2 s), with a full GC before each run.`);
  if (sizes.size > 0) out.push(`ping-pong round trips per run (calibrated to ~250 ms): ${[...sizes].map(([c, n]) => `${c} ${formatNumber(n)}`).join(', ')}`);
  out.push('');
  out.push(table(options, results));
  out.push('');
  out.push("curio ÷ X: Curio's median divided by X's. For rates > 1x means Curio is faster; for bytes/task < 1x means Curio uses less memory.");
  out.push("best of all: Curio is ahead of every alternative in the table on that row, their spreads of runs apart (the issue's 'ahead of all three'); otherwise the verdict that stops it ('spreads overlap', 'too few samples').");
  out.push('');
  out.push('Spread of the measured runs (min .. max; every run in the --json output):');
  out.push(spreadTable(options, results));
  out.push('');
  const floors = floorTable(options, results);
  if (floors !== '') {
    out.push('Against the bare-V8 floor: V8 creating and running the same closure generators with no library, in the same process,');
    out.push('one floor run right after each measured run; the ratio is the median of those pairs (target for curio in the main table).');
    out.push(floors);
    out.push('');
  }
  for (const n of notes) out.push(`note: ${n}`);
  const errors = [...results].flatMap(([key, m]) => (typeof m === 'string' ? [`${key}: ${m}`] : []));
  for (const e of errors) out.push(`error: ${e}`);
  emitReport(options.output, benchReport('kernel', options.runs, comparisons(options, results), errors), out.join('\n'));
  if (measured.length < results.size) process.exitCode = 1;
}

runMain(main);
