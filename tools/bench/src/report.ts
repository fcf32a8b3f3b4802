/**
 * The benchmark's tables: medians with Curio's ratios and targets, and the run-to-run spread.
 * @packageDocumentation
 */
import { formatNumber, formatRatio, renderTable } from './format.js';
import type { Options } from './options.js';
import type { Measurement } from './protocol.js';
import type { Comparison } from './report-json.js';
import { verdict, type Verdict } from './verdict.js';
import type { Workload } from './workloads.js';

/** Measurements by `${contender} ${workload}`; a string says why a cell failed. */
export type Results = Map<string, Measurement | string>;

function targetText(w: Workload): string {
  if (w.floor !== undefined) return `>= ${formatRatio(w.target)} V8 floor`;
  return `${w.higherIsBetter ? '>=' : '<='} ${formatNumber(w.target)}`;
}

/** Whether a measurement meets the workload's target (a share of the floor, for a workload with one). */
function meets(w: Workload, m: Measurement): boolean {
  if (w.floor !== undefined) return m.floorRatio !== undefined && m.floorRatio >= w.target;
  return w.higherIsBetter ? m.median >= w.target : m.median <= w.target;
}

/**
 * 'yes' when Curio is ahead of every alternative, 'NO' when behind one, else the verdict
 * that kept it from a lead ('spreads overlap', 'too few samples'); '-' when a cell failed
 * or there is no alternative.
 */
function bestOfAllText(verdicts: readonly (Verdict | null)[]): string {
  if (verdicts.length === 0 || verdicts.includes(null)) return '-';
  if (verdicts.includes('behind')) return 'NO';
  return verdicts.find((v) => v !== 'ahead') ?? 'yes';
}

/** The main table: medians, Curio's ratios, targets. */
export function table(options: Options, results: Results): string {
  const alternatives = options.contenders.filter((c) => c !== 'curio');
  const withCurio = options.contenders.includes('curio');
  const header = ['workload', 'unit', ...options.contenders];
  if (withCurio) header.push(...alternatives.map((a) => `curio ÷ ${a.split('/')[0]}`), 'curio target', 'target met', 'best of all');
  const rows: string[][] = [header];
  for (const w of options.workloads) {
    const value = (c: string): number | null => {
      const m = results.get(`${c} ${w.id}`);
      return typeof m === 'object' ? m.median : null;
    };
    const cells = options.contenders.map((c) => {
      const v = value(c);
      return v === null ? 'error' : formatNumber(v);
    });
    const row = [w.title, `${w.unit} (${w.higherIsBetter ? 'higher' : 'lower'} is better)`, ...cells];
    if (withCurio) {
      const mine = value('curio');
      const curio = results.get(`curio ${w.id}`);
      const verdicts: (Verdict | null)[] = [];
      for (const a of alternatives) {
        const theirs = results.get(`${a} ${w.id}`);
        row.push(mine === null || typeof theirs !== 'object' ? '-' : formatRatio(mine / theirs.median));
        verdicts.push(typeof curio !== 'object' || typeof theirs !== 'object' ? null : verdict(curio.samples, theirs.samples, w.higherIsBetter));
      }
      row.push(targetText(w), typeof curio !== 'object' ? '-' : meets(w, curio) ? 'yes' : 'NO', bestOfAllText(verdicts));
    }
    rows.push(row);
  }
  return renderTable(rows);
}

/** Run-to-run spread of each cell: the slowest and fastest of the measured runs. */
export function spreadTable(options: Options, results: Results): string {
  const rows: string[][] = [['workload', ...options.contenders]];
  for (const w of options.workloads) {
    rows.push([
      w.title,
      ...options.contenders.map((c) => {
        const m = results.get(`${c} ${w.id}`);
        return typeof m === 'object' ? `${formatNumber(Math.min(...m.samples))} .. ${formatNumber(Math.max(...m.samples))}` : '-';
      }),
    ]);
  }
  return renderTable(rows);
}


/**
 * Workloads with a bare-V8 floor: each contender against the floor measured in its own
 * process, as the median of per-run ratios and their spread. Empty when none was run.
 */
export function floorTable(options: Options, results: Results): string {
  const rows: string[][] = [['workload', 'contender', 'median', 'V8 floor (same process)', 'contender ÷ floor', 'ratio min .. max']];
  for (const w of options.workloads) {
    if (w.floor === undefined) continue;
    for (const c of options.contenders) {
      const m = results.get(`${c} ${w.id}`);
      if (typeof m !== 'object' || m.floorSamples === undefined || m.floorMedian === undefined || m.floorRatio === undefined) continue;
      const ratios = m.samples.map((s, i) => s / m.floorSamples![i]);
      rows.push([w.title, c, formatNumber(m.median), formatNumber(m.floorMedian), formatRatio(m.floorRatio), `${formatRatio(Math.min(...ratios))} .. ${formatRatio(Math.max(...ratios))}`]);
    }
  }
  return rows.length === 1 ? '' : renderTable(rows);
}

/**
 * The report's comparisons: Curio against each alternative on each workload, and each
 * contender against the bare-V8 floor where a workload has one (paired runs).
 */
export function comparisons(options: Options, results: Results): Comparison[] {
  const out: Comparison[] = [];
  for (const w of options.workloads) {
    const curio = results.get(`curio ${w.id}`);
    for (const c of options.contenders) {
      const m = results.get(`${c} ${w.id}`);
      if (typeof m !== 'object') continue;
      const common = { case: w.title, unit: w.unit, higherIsBetter: w.higherIsBetter };
      if (c !== 'curio' && typeof curio === 'object') out.push({ ...common, contender: 'curio', baseline: c, contenderSamples: curio.samples, baselineSamples: m.samples });
      if (m.floorSamples !== undefined) out.push({ ...common, contender: c, baseline: 'V8 floor', contenderSamples: m.samples, baselineSamples: m.floorSamples });
    }
  }
  return out;
}
