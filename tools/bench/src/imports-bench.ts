/**
 * Import cost: how long a fresh Node process takes to start and `import` a package, and
 * how much resident memory it then holds, for the umbrella `curio` against `@curio/io`
 * (the target: `curio` at most 1.3x the time and 3 MB more than `@curio/io`) and against
 * a process that imports nothing.
 *
 * Each round starts one process per target in turns, `--per-round` times, so a slow
 * moment of the machine falls on every target alike; a round's figure is its median, and
 * the spread is the range of the rounds' figures. Progress goes to stderr, the table (or,
 * with `--json`, the figures) to stdout.
 *
 *   npm run bench -- imports [--rounds=5] [--per-round=10] [--json]
 * @packageDocumentation
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatNumber, formatRatio, renderTable } from './format.js';
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

function main(): void {
  const { values } = parseArgs({
    options: { rounds: { type: 'string', default: '5' }, 'per-round': { type: 'string', default: '10' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  const count = (flag: string, text: string) => {
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < 1) throw new RangeError(`--${flag} must be a whole number of at least 1; got '${text}'`);
    return n;
  };
  const rounds = count('rounds', values.rounds);
  const perRound = count('per-round', values['per-round']);

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
      ms: { median: median(r.ms), min: Math.min(...r.ms), max: Math.max(...r.ms) },
      rssMb: { median: median(r.rssMb), min: Math.min(...r.rssMb), max: Math.max(...r.rssMb) },
      timeRatio: { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) },
      extraRssMb: { median: median(extra), min: Math.min(...extra), max: Math.max(...extra) },
    };
  });
  if (values.json) {
    console.log(JSON.stringify({ bench: 'imports', rounds, perRound, baseline: BASELINE, results }, null, 2));
    return;
  }
  const range = (x: { median: number; min: number; max: number }, f: (n: number) => string) => `${f(x.median)} (${f(x.min)}–${f(x.max)})`;
  const mb = (n: number) => n.toFixed(1);
  console.log(`Import cost: a fresh process per sample, ${rounds} rounds x ${perRound} per target, median (range of the rounds)`);
  console.log(
    renderTable([
      ['import', 'ms', `vs ${BASELINE}`, 'RSS MB', `MB vs ${BASELINE}`],
      ...results.map((r) => [r.name, range(r.ms, formatNumber), range(r.timeRatio, formatRatio), range(r.rssMb, mb), range(r.extraRssMb, mb)]),
    ]),
  );
  const curio = results.find((r) => r.name === 'curio')!;
  console.log(`Target for curio: at most 1.3x the time and 3 MB more than ${BASELINE}: ${curio.timeRatio.max <= 1.3 && curio.extraRssMb.max <= 3 ? 'met in every round' : 'NOT met in every round'}`);
}

main();
