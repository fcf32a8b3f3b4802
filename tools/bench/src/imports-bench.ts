/**
 * Import cost: how long a fresh Node process takes to start and `import` a package, and
 * how much resident memory it then holds, for the umbrella `curio` against `@curio/io`
 * (the target: `curio` at most 1.3x the time and 3 MB more than `@curio/io`) and against
 * a process that imports nothing.
 *
 * Each round starts one process per target in turns, `--per-round` times, so a slow
 * moment of the machine falls on every target alike; a round's figure is its median, and
 * the spread is the range of the rounds' figures. Progress goes to stderr, the table (or,
 * with `--json`, the report) to stdout.
 *
 *   npm run bench -- imports [--rounds=5] [--per-round=10] [--json] [--svg=PATH]
 * @packageDocumentation
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { optionPairs, wholeNumber } from './args.js';
import { formatNumber, formatRatio, renderTable } from './format.js';
import { benchReport, spreadOf, type Comparison, type Spread } from './report-json.js';
import { defaultOutput, emitReport, outputOption, OUTPUT_USAGE } from './report-output.js';
import { runMain } from './script.js';
import { median } from './stats.js';

/** What each process imports; `null` imports nothing (Node's own start-up). */
const TARGETS: ReadonlyArray<{ name: string; specifier: string | null }> = [
  { name: 'node (no import)', specifier: null },
  { name: '@curio/kernel', specifier: '@curio/kernel' },
  { name: '@curio/io', specifier: '@curio/io' },
  { name: 'curio', specifier: 'curio' },
];
const BASELINE = '@curio/io';

/** One process: wall time from spawn to exit (ms), and its peak resident memory (MB). */
function sample(specifier: string | null): { ms: number; rssMb: number } {
  const body = `${specifier === null ? '' : `await import(${JSON.stringify(specifier)});`} process.stdout.write(String(process.resourceUsage().maxRSS));`;
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', body], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`importing ${specifier} failed: ${r.stderr}`);
  return { ms, rssMb: Number(r.stdout) / 1024 };
}

/** `--rounds=N --per-round=N --json --svg=PATH`. */
function parseArgs(argv: readonly string[]) {
  const o = { rounds: 5, perRound: 10, output: defaultOutput() };
  for (const [key, value] of optionPairs(argv)) {
    if (key === '--rounds') o.rounds = wholeNumber(key, value, 1);
    else if (key === '--per-round') o.perRound = wholeNumber(key, value, 1);
    else if (!outputOption(o.output, key, value)) throw new Error(`unknown option '${key}' (options: --rounds=N --per-round=N ${OUTPUT_USAGE})`);
  }
  return o;
}

function main(): void {
  const { rounds, perRound, output } = parseArgs(process.argv.slice(2));

  // rounds[target] = each round's median time and median RSS.
  const perTarget = new Map(TARGETS.map((t) => [t.name, { ms: [] as number[], rssMb: [] as number[] }]));
  for (let round = 1; round <= rounds; round++) {
    process.stderr.write(`round ${round}/${rounds} `);
    const samples = new Map(TARGETS.map((t) => [t.name, { ms: [] as number[], rssMb: [] as number[] }]));
    for (let i = 0; i < perRound; i++) {
      for (const t of TARGETS) {
        const s = sample(t.specifier);
        samples.get(t.name)!.ms.push(s.ms);
        samples.get(t.name)!.rssMb.push(s.rssMb);
      }
      process.stderr.write('.');
    }
    process.stderr.write('\n');
    for (const t of TARGETS) {
      const s = samples.get(t.name)!;
      perTarget.get(t.name)!.ms.push(median(s.ms));
      perTarget.get(t.name)!.rssMb.push(median(s.rssMb));
    }
  }

  const base = perTarget.get(BASELINE)!;
  const results = TARGETS.map((t) => {
    const r = perTarget.get(t.name)!;
    // Ratios round by round (the same round's processes ran in turns), then their range.
    const ratios = r.ms.map((ms, i) => ms / base.ms[i]);
    const extra = r.rssMb.map((mb, i) => mb - base.rssMb[i]);
    return {
      name: t.name,
      ms: spreadOf(r.ms),
      rssMb: spreadOf(r.rssMb),
      timeRatio: spreadOf(ratios),
      extraRssMb: spreadOf(extra),
    };
  });
  // Each target against the baseline, round by round: start-up time and resident memory.
  const comparisons: Comparison[] = TARGETS.filter((t) => t.name !== BASELINE).flatMap((t) => {
    const r = perTarget.get(t.name)!;
    return [
      { case: 'start + import', contender: t.name, baseline: BASELINE, unit: 'ms', higherIsBetter: false, contenderSamples: r.ms, baselineSamples: base.ms },
      { case: 'peak RSS', contender: t.name, baseline: BASELINE, unit: 'MB', higherIsBetter: false, contenderSamples: r.rssMb, baselineSamples: base.rssMb },
    ];
  });
  const range = (x: Spread, f: (n: number) => string) => `${f(x.median)} (${f(x.min)}–${f(x.max)})`;
  const mb = (n: number) => n.toFixed(1);
  const curio = results.find((r) => r.name === 'curio')!;
  const text = [
    `Import cost: a fresh process per sample, ${rounds} rounds x ${perRound} per target, median (range of the rounds)`,
    renderTable([
      ['import', 'ms', `vs ${BASELINE}`, 'RSS MB', `MB vs ${BASELINE}`],
      ...results.map((r) => [r.name, range(r.ms, formatNumber), range(r.timeRatio, formatRatio), range(r.rssMb, mb), range(r.extraRssMb, mb)]),
    ]),
    `Target for curio: at most 1.3x the time and 3 MB more than ${BASELINE}: ${curio.timeRatio.max <= 1.3 && curio.extraRssMb.max <= 3 ? 'met in every round' : 'NOT met in every round'}`,
  ];
  emitReport(output, benchReport('imports', rounds, comparisons), text.join('\n'));
}

runMain(main);
