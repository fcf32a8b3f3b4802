/**
 * The echo benchmark: the seed's echo server built on Curio (`examples/dist/echo-server.js`)
 * against a plain `node:net` callback echo server and an async-iterator echo server, in the
 * same run, each as its own process, driven by the same load generator (its own process,
 * see loadgen.ts): 1, 100 and 1,000 connections ping-ponging 1,000-byte messages.
 * Prints requests/s and Curio's ratio to each baseline.
 *
 * On a machine with 2 or more cores the server is pinned to CPU 0 and the generator to
 * CPU 1 (`taskset`), so each gets one core's worth and they never steal from each other;
 * the table shows how busy each side was.
 *
 * Each round starts every server at once and measures them in short windows taken in
 * turns (`--windows`, round.ts), so each server samples the same stretches of a machine
 * whose speed drifts. The machine is shared, so the generator also measures how much CPU
 * the rest of the machine used during each window; a window disturbed by more than
 * `--max-other` of a core is re-run (up to `--retries` times) and its cell flagged if it
 * never ran quiet.
 *
 * The load generator is native by default (loadgen.c, compiled with the machine's `gcc`
 * when the benchmark starts): Node's own (loadgen.ts) spends about as much CPU per round
 * trip as the servers it measures, so at 1,000 connections it would be the bottleneck.
 * `--loadgen=node` uses the Node one; without gcc the benchmark falls back to it and says so.
 *
 * Usage: `node dist/echo/echo-bench.js [--connections=1,100,1000] [--servers=callback,async-iterator,curio,curio-closures,curio-after-work]
 * [--size=1000] [--warmup=500 (1000 with --windows=1)] [--duration=5000] [--rounds=1] [--windows=5] [--warmup-rounds=N] [--max-other=0.15] [--retries=4]
 * [--loadgen=c|node] [--json] [--svg=PATH]`
 * @packageDocumentation
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatNumber, formatPercent as percent, formatRatio, renderTable } from '../format.js';
import { median } from '../stats.js';
import { benchRounds, rotated, startListeningServer, stopServer } from '../server-process.js';
import { runLoadGenerator, serverMicrosPerRequest, type LoadResult } from './load-result.js';
import { optionPairs, wholeNumber } from '../args.js';
import { runMain } from '../script.js';
import { benchReport, type Comparison } from '../report-json.js';
import { defaultOutput, emitReport, outputOption, OUTPUT_USAGE, type OutputOptions } from '../report-output.js';
import { waitForQuietMachine } from './cpu.js';
import { measureRound, type RoundSteps, type RunningServer } from './round.js';
import { pinned, pinning } from '../pinning.js';

/** The servers under test, by name: the script each runs. */
const SERVERS = {
  callback: fileURLToPath(new URL('./callback-server.js', import.meta.url)),
  'async-iterator': fileURLToPath(new URL('./async-iterator-server.js', import.meta.url)),
  curio: fileURLToPath(new URL('../../../../examples/dist/echo-server.js', import.meta.url)),
  // The same, with each client's task an inline closure (as most programs write it).
  'curio-closures': fileURLToPath(new URL('./curio-variant-server.js', import.meta.url)),
  // Inline closures in a process that first did other work (a long-running server's JIT state).
  'curio-after-work': fileURLToPath(new URL('./curio-variant-server.js', import.meta.url)),
  // The same Curio echo server, plain and with diagnostics (bench:diagnostics).
  'curio-plain': fileURLToPath(new URL('./curio-variant-server.js', import.meta.url)),
  'curio+diagnostics': fileURLToPath(new URL('./curio-variant-server.js', import.meta.url)),
  'curio+monitor': fileURLToPath(new URL('./curio-variant-server.js', import.meta.url)),
} as const;
/** Extra arguments of a server, after its port. */
const SERVER_FLAGS: Partial<Record<keyof typeof SERVERS, string[]>> = {
  'curio-closures': ['--closures'],
  'curio-after-work': ['--closures', '--after-work'],
  'curio+diagnostics': ['--logcrash-longblock'],
  'curio+monitor': ['--monitor'],
};
/** Variants compared with 'curio-plain' (ratio columns), and their targets: at most this much slower. */
const VARIANT_TARGETS: Partial<Record<keyof typeof SERVERS, number>> = { 'curio+diagnostics': 0.05, 'curio+monitor': 0.0 };
type ServerName = keyof typeof SERVERS;
const SERVER_NAMES = Object.keys(SERVERS) as ServerName[];
/** The Curio servers held to the targets: the seed's named handler, inline closures, and those after other work. */
const CURIO_FORMS = ['curio', 'curio-closures', 'curio-after-work'] as const;
/** What runs without --servers: the baselines and the Curio forms the targets are about (the diagnostics variants have bench:diagnostics). */
const DEFAULT_SERVERS: ServerName[] = ['callback', 'async-iterator', ...CURIO_FORMS];
const NODE_LOADGEN = fileURLToPath(new URL('./loadgen.js', import.meta.url));
const C_LOADGEN_SOURCE = fileURLToPath(new URL('../../src/echo/loadgen.c', import.meta.url));
const C_LOADGEN = fileURLToPath(new URL('./loadgen-c', import.meta.url));

type LoadgenKind = 'c' | 'node';

interface Options {
  connections: number[];
  servers: ServerName[];
  size: number;
  warmup: number;
  duration: number;
  rounds: number;
  /** Windows each server is measured in per round, taken in turns with the other servers (round.ts). */
  windows: number;
  /**
   * Whole rounds run first and not counted (default 1 when there are several rounds): the
   * first half-minute of a run on this machine is slower for every server, and would
   * count against whichever server the rotation puts first.
   */
  warmupRounds: number;
  /** A window that saw more than this share of a core used by other processes is re-run. */
  maxOther: number;
  /** How many times a disturbed window is re-run before its least disturbed result is kept. */
  retries: number;
  loadgen: LoadgenKind;
  output: OutputOptions;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { connections: [1, 100, 1000], servers: [...DEFAULT_SERVERS], size: 1000, warmup: -1, duration: 5000, rounds: 1, windows: 5, warmupRounds: -1, maxOther: 0.15, retries: 4, loadgen: 'c', output: defaultOutput() };
  for (const [key, value] of optionPairs(argv)) {
    if (key === '--connections') o.connections = value.split(',').map((v) => wholeNumber(key, v, 1));
    else if (key === '--servers') {
      o.servers = value.split(',').map((s) => {
        if (!(s in SERVERS)) throw new Error(`--servers: unknown server '${s}' (known: ${SERVER_NAMES.join(', ')})`);
        return s as ServerName;
      });
    } else if (key === '--size') o.size = wholeNumber(key, value, 1);
    else if (key === '--warmup') o.warmup = wholeNumber(key, value, 0);
    else if (key === '--duration') o.duration = wholeNumber(key, value, 100);
    else if (key === '--rounds') o.rounds = wholeNumber(key, value, 1);
    else if (key === '--windows') o.windows = wholeNumber(key, value, 1);
    else if (key === '--warmup-rounds') o.warmupRounds = wholeNumber(key, value, 0);
    else if (key === '--retries') o.retries = wholeNumber(key, value, 0);
    else if (key === '--max-other') {
      o.maxOther = Number(value);
      if (!(o.maxOther >= 0)) throw new RangeError(`--max-other needs a share of one core (e.g. 0.15), got '${value}'`);
    }
    else if (key === '--loadgen') {
      if (value !== 'c' && value !== 'node') throw new Error(`--loadgen: 'c' (native, the default) or 'node', got '${value}'`);
      o.loadgen = value;
    } else if (!outputOption(o.output, key, value)) {
      throw new Error(`unknown option '${key}' (options: --connections=1,100 --servers=a,b --size=N --warmup=MS --duration=MS --rounds=N --windows=N --warmup-rounds=N --max-other=0.15 --retries=N --loadgen=c|node ${OUTPUT_USAGE})`);
    }
  }
  if (o.warmupRounds < 0) o.warmupRounds = o.rounds > 1 ? 1 : 0;
  if (o.warmup < 0) o.warmup = o.windows > 1 ? 500 : 1000;
  if (o.duration / o.windows < 100) throw new RangeError(`--duration=${o.duration} split in ${o.windows} windows leaves less than 100 ms per window`);
  return o;
}

/**
 * Compiles the native load generator with the machine's gcc; returns why not when it
 * cannot (then the Node generator is used).
 */
function buildNativeLoadgen(): string | null {
  const r = spawnSync('gcc', ['-O2', '-Wall', '-o', C_LOADGEN, C_LOADGEN_SOURCE], { encoding: 'utf8' });
  if (r.error !== undefined) return `gcc not found (${r.error.message})`;
  if (r.status !== 0) return `gcc failed: ${(r.stderr ?? '').trim().split('\n')[0] ?? ''}`;
  return null;
}

/** Starts a server process on port 0 and resolves once it prints its listening line, with the port it bound. */
async function startServer(name: ServerName): Promise<RunningServer> {
  if (!existsSync(SERVERS[name])) throw new Error(`${SERVERS[name]} is missing (build it first: npm run bench:echo builds it)`);
  const [cmd, args] = pinned(0, [SERVERS[name], '0', ...(SERVER_FLAGS[name] ?? [])]);
  return startListeningServer(name, cmd, args);
}

async function runLoad(port: number, serverPid: number, connections: number, o: Options): Promise<LoadResult> {
  const loadArgs = [`--port=${port}`, `--connections=${connections}`, `--size=${o.size}`, `--warmup=${o.warmup}`, `--duration=${Math.round(o.duration / o.windows)}`, `--server-pid=${serverPid}`];
  const [cmd, args] = o.loadgen === 'c' ? pinned(1, loadArgs, C_LOADGEN) : pinned(1, [NODE_LOADGEN, ...loadArgs]);
  return runLoadGenerator(cmd, args);
}

const disturbed = (r: LoadResult, o: Options) => r.otherCpu !== null && r.otherCpu > o.maxOther;

/**
 * One measured window of a running server, once the machine is quiet; while other
 * processes took more than `maxOther` of a core during it, waits a little and measures
 * again (up to `retries` times), keeping the least disturbed window.
 */
async function measureWindow(server: RunningServer, connections: number, o: Options): Promise<LoadResult> {
  const once = async () => {
    await waitForQuietMachine();
    return runLoad(server.port, server.process.pid!, connections, o);
  };
  let best = await once();
  for (let retry = 0; retry < o.retries && disturbed(best, o); retry++) {
    process.stderr.write(`(other processes took ${percent(best.otherCpu)} of a core: once more) `);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const r = await once();
    if ((r.otherCpu ?? 0) < (best.otherCpu ?? 0)) best = r;
  }
  return best;
}

/** Curio's target against the callback server at 100 connections and more, in every round. */
const CALLBACK_TARGET = 0.9;

/**
 * The table of `results` (by `'<server> <connections>'`), and whether the targets were
 * met; the cells in `unquiet` are marked as shared with other work.
 */
function table(o: Options, results: Map<string, LoadResult[]>, unquiet: ReadonlySet<string>): { text: string; met: boolean | null } {
  const has = (s: ServerName) => o.servers.includes(s);
  const bases = (['callback', 'async-iterator'] as const).filter(has);
  const forms = bases.length === 0 ? [] : CURIO_FORMS.filter(has);
  const header = ['connections', ...o.servers.map((s) => `${s} req/s`)];
  for (const form of forms) for (const base of bases) header.push(`${form}/${base}`);
  const variants = has('curio-plain') ? o.servers.filter((s) => VARIANT_TARGETS[s] !== undefined) : [];
  for (const v of variants) header.push(`${v}/curio-plain`, `${v} µs/request vs plain`);
  header.push(`server CPU (${o.servers.join('/')})`, `server CPU µs/request`, `server RSS MiB`, `loadgen CPU (${o.servers.join('/')})`, `softirq CPU`, `other CPU`);
  const rows: string[][] = [header];
  let met: boolean | null = forms.length > 0 && bases.length === 2 ? true : null;
  for (const n of o.connections) {
    const cell = (s: ServerName) => results.get(`${s} ${n}`) ?? [];
    const rate = (s: ServerName) => {
      const rs = cell(s);
      return rs.length === 0 ? null : median(rs.map((r) => r.rate));
    };
    const row = [String(n), ...o.servers.map((s) => {
      const r = rate(s);
      // '*': even the least disturbed run of one of this cell's windows shared the machine with other work.
      return r === null ? 'error' : formatNumber(r) + (unquiet.has(`${s} ${n}`) ? '*' : '');
    })];
    for (const form of forms) {
      const curio = rate(form);
      for (const base of bases) {
        const other = rate(base);
        const ratio = curio === null || other === null ? null : curio / other;
        // A round's servers took turns over the same stretch of time: its ratio compares like with like.
        const mine = cell(form);
        const theirs = cell(base);
        const perRound = mine.length === theirs.length && mine.length > 1 ? mine.map((r, i) => r.rate / theirs[i].rate) : [];
        const worst = perRound.length === 0 ? null : Math.min(...perRound);
        row.push(ratio === null ? '-' : formatRatio(ratio) + (worst === null ? '' : ` (worst round ${formatRatio(worst)})`));
        if (met !== null) {
          if (ratio === null) met = false;
          else if (base === 'async-iterator' && ratio <= 1) met = false;
          else if (base === 'callback' && n >= 100 && (worst ?? ratio) < CALLBACK_TARGET) met = false;
        }
      }
    }
    const usPerRequest = (s: ServerName) => {
      const xs = cell(s).map(serverMicrosPerRequest).filter((x) => x !== null);
      return xs.length === 0 ? null : median(xs);
    };
    for (const v of variants) {
      const plain = rate('curio-plain');
      const mine = rate(v);
      row.push(plain === null || mine === null ? '-' : formatRatio(mine / plain));
      const plainUs = usPerRequest('curio-plain');
      const mineUs = usPerRequest(v);
      row.push(plainUs === null || mineUs === null ? '-' : `${mineUs >= plainUs ? '+' : ''}${(((mineUs - plainUs) / plainUs) * 100).toFixed(1)}%`);
    }
    const cpuOf = (s: ServerName, pick: (r: LoadResult) => number | null) => {
      const xs = cell(s).map(pick).filter((x): x is number => x !== null);
      return xs.length === 0 ? '-' : percent(median(xs));
    };
    row.push(o.servers.map((s) => cpuOf(s, (r) => r.serverCpu)).join(' / '));
    row.push(o.servers.map((s) => usPerRequest(s)?.toFixed(1) ?? '-').join(' / '));
    row.push(o.servers.map((s) => {
      const kbs = cell(s).map((r) => r.serverRssKb ?? null).filter((x): x is number => x !== null);
      return kbs.length === 0 ? '-' : (median(kbs) / 1024).toFixed(0);
    }).join(' / '));
    row.push(o.servers.map((s) => cpuOf(s, (r) => r.loadgenCpu)).join(' / '));
    row.push(o.servers.map((s) => cpuOf(s, (r) => r.softirqCpu)).join(' / '));
    row.push(o.servers.map((s) => cpuOf(s, (r) => r.otherCpu)).join(' / '));
    rows.push(row);
  }
  return { text: renderTable(rows), met };
}

/**
 * The report's comparisons, row by row: each Curio form against each baseline server, and
 * each diagnostics variant against curio-plain, on requests/s per round.
 */
function comparisons(o: Options, results: Map<string, LoadResult[]>): Comparison[] {
  const has = (s: ServerName) => o.servers.includes(s);
  const pairs: [ServerName, ServerName][] = [];
  for (const form of CURIO_FORMS.filter(has)) for (const base of (['callback', 'async-iterator'] as const).filter(has)) pairs.push([form, base]);
  if (has('curio-plain')) for (const v of o.servers.filter((s) => VARIANT_TARGETS[s] !== undefined)) pairs.push([v, 'curio-plain']);
  const rates = (s: ServerName, n: number) => (results.get(`${s} ${n}`) ?? []).map((r) => r.rate);
  return o.connections.flatMap((n) =>
    pairs.map(([contender, baseline]) => ({ case: `${n} connection${n === 1 ? '' : 's'}`, contender, baseline, unit: 'requests/s', higherIsBetter: true, contenderSamples: rates(contender, n), baselineSamples: rates(baseline, n) })),
  );
}

/** For each diagnostics variant: its rate against curio-plain per row, every round's rate, and the target. */
function variantVerdicts(o: Options, results: Map<string, LoadResult[]>): string[] {
  if (!o.servers.includes('curio-plain')) return [];
  const lines: string[] = [];
  for (const v of o.servers) {
    const target = VARIANT_TARGETS[v];
    if (target === undefined) continue;
    const ratios = o.connections.map((n) => {
      const plain = (results.get(`curio-plain ${n}`) ?? []).map((r) => r.rate);
      const mine = (results.get(`${v} ${n}`) ?? []).map((r) => r.rate);
      const ratio = plain.length === 0 || mine.length === 0 ? null : median(mine) / median(plain);
      const rounds = `plain ${plain.map(formatNumber).join(', ')}; ${v} ${mine.map(formatNumber).join(', ')}`;
      return { n, ratio, rounds };
    });
    const met = ratios.every((r) => r.ratio !== null && r.ratio >= 1 - target);
    const goal = target === 0 ? 'no measurable cost' : `at most ${Math.round(target * 100)}% slower`;
    lines.push(`${v} vs curio-plain (${goal}): ${met ? 'met' : 'NOT met'}; ` + ratios.map((r) => `${r.n} conn ${r.ratio === null ? '-' : formatRatio(r.ratio)} (req/s per round: ${r.rounds})`).join('; '));
  }
  return lines;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  let loadgenNote = o.loadgen === 'c' ? 'native (loadgen.c, gcc -O2, epoll, one thread)' : 'Node (loadgen.ts)';
  if (o.loadgen === 'c') {
    const why = buildNativeLoadgen();
    if (why !== null) {
      o.loadgen = 'node';
      loadgenNote = `Node (loadgen.ts), because the native one could not be built: ${why}`;
      process.stderr.write(`native load generator unavailable (${why}); using the Node one\n`);
    }
  }
  const results = new Map<string, LoadResult[]>();
  const errors: string[] = [];
  // Cells with a counted window that stayed disturbed: flagged per window, since a round's
  // combined figures average one disturbed window with its quiet ones.
  const unquiet = new Set<string>();
  for (const round of benchRounds(o.rounds, o.warmupRounds)) {
    for (const n of o.connections) {
      process.stderr.write(`  ${round.label}, ${n} connection${n === 1 ? '' : 's'}: ${o.windows} window${o.windows === 1 ? '' : 's'} per server, in turns `);
      const steps: RoundSteps<ServerName> = {
        start: (s) => startServer(s),
        window: async (s, server) => {
          const r = await measureWindow(server, n, o);
          if (round.counted && disturbed(r, o)) unquiet.add(`${s} ${n}`);
          process.stderr.write('.');
          return r;
        },
        stop: (server) => stopServer(server.process),
      };
      const measured = await measureRound(rotated(o.servers, round.rotation), o.windows, steps, (s, error) => {
        const why = error instanceof Error ? error.message : String(error);
        errors.push(`${s} ${n}: ${why}`);
        process.stderr.write(`(${s} failed: ${why}) `);
      });
      process.stderr.write(round.counted ? '\n' : ' (not counted)\n');
      for (const [s, r] of measured) {
        process.stderr.write(`    ${s}: ${formatNumber(r.rate)} req/s (server CPU ${percent(r.serverCpu)}, loadgen CPU ${percent(r.loadgenCpu)}, other ${percent(r.otherCpu)})\n`);
        if (!round.counted) continue;
        results.set(`${s} ${n}`, [...(results.get(`${s} ${n}`) ?? []), r]);
        if (r.failures > 0) errors.push(`${s} ${n}: ${r.failures} connection(s) failed`);
      }
    }
  }
  const { text, met } = table(o, results, unquiet);
  const out: string[] = [];
  out.push('Curio echo benchmark');
  out.push(`command: node ${process.argv.slice(1).join(' ')} (npm run bench:echo -w @curio/bench; node tools/scripts/bench.mjs echo)`);
  out.push(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString()}`);
  out.push(
    `method: ${o.size}-byte messages ping-ponged (send, wait for the whole echo, send again) on each connection; ` +
      `each round starts a fresh process of every server, then measures each in ${o.windows} window${o.windows === 1 ? '' : 's'} of ${Math.round(o.duration / o.windows)} ms (${o.duration} ms in all), the servers taking turns, ` +
      `each window a fresh load-generator process started once the machine is quiet (below 10% of a core for 0.5 s, at most 5 s of waiting), with ${o.warmup} ms of warm-up` +
      (o.rounds > 1 ? `; median of ${o.rounds} rounds, the servers' order rotating from round to round` : '') +
      (o.warmupRounds > 0 ? ` (after ${o.warmupRounds} warm-up round${o.warmupRounds === 1 ? '' : 's'}, not counted)` : '') +
      `; ${pinning ? 'server pinned to CPU 0, load generator to CPU 1 (taskset)' : 'no CPU pinning (taskset missing or one core)'}.`,
  );
  out.push(`load generator: ${loadgenNote}; its CPU is in the table (below ~100% of its core: it was not the bottleneck).`);
  out.push('');
  out.push(text);
  out.push('');
  out.push('curio/X: Curio requests/s divided by X (> 1x: Curio faster). CPU: share of one core used over the measured window;');
  out.push('server CPU µs/request: server CPU time per round trip (lower is better; less sensitive to a busy machine than requests/s).');
  out.push(
    "server RSS: the server process's resident memory at the end of the measured window, every connection open (median of the rounds); " +
      "curio-after-work's includes the heap its earlier kernel workloads grew, which V8 keeps once grown.",
  );
  out.push("softirq: the kernel's network receive work charged to neither process (both cores); other: every other process on the machine.");
  out.push(`'*': a cell with a window whose least disturbed run still had other processes using more than ${percent(o.maxOther)} of a core (not trustworthy).`);
  if (met !== null) {
    const who = CURIO_FORMS.filter((s) => o.servers.includes(s)).join(' and ');
    out.push(`target for ${who} (>= ${formatRatio(CALLBACK_TARGET)} callback at 100 connections and more in every round, > 1x async-iterator at every row): ${met ? 'met' : 'NOT met'}`);
  }
  for (const line of variantVerdicts(o, results)) out.push(line);
  for (const e of errors) out.push(`error: ${e}`);
  emitReport(o.output, benchReport(o.servers.includes('curio-plain') ? 'diagnostics' : 'echo', o.rounds, comparisons(o, results), errors), out.join('\n'));
  if (errors.length > 0) process.exitCode = 1;
}

runMain(main);
