/**
 * The benchmark's tables: medians with Curio's ratios and targets, and the run-to-run spread.
 * @packageDocumentation
 */
import { formatNumber, formatRatio, renderTable } from './format.js';
import type { Options } from './options.js';
import type { Measurement } from './protocol.js';
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
      let bestOfAll = mine !== null;
      for (const a of alternatives) {
        const theirs = value(a);
        row.push(mine === null || theirs === null ? '-' : formatRatio(mine / theirs));
        if (mine !== null && theirs !== null && !(w.higherIsBetter ? mine > theirs : mine < theirs)) bestOfAll = false;
      }
      row.push(targetText(w), typeof curio !== 'object' ? '-' : meets(w, curio) ? 'yes' : 'NO', mine === null || alternatives.length === 0 ? '-' : bestOfAll ? 'yes' : 'NO');
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
