/**
 * How every benchmark hands out its results: the table (with a verdict per comparison)
 * on stdout, or with `--json` the {@link BenchReport} instead; with `--svg=PATH` also the
 * chart, its path on stderr.
 * @packageDocumentation
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatRatio, renderTable } from './format.js';
import type { BenchReport } from './report-json.js';
import { renderSvg } from './report-svg.js';

/** The output options every benchmark takes. */
export interface OutputOptions {
  /** Print the report as JSON on stdout instead of the tables. */
  json: boolean;
  /** Where to write the SVG chart, or null for none. */
  svg: string | null;
}

/** The output options, for a bench's usage line. */
export const OUTPUT_USAGE = '--json --svg=PATH';

/** The defaults: tables on stdout, no chart. */
export function defaultOutput(): OutputOptions {
  return { json: false, svg: null };
}

/**
 * Reads `key=value` into `o` if it is an output option; false when it is none (the
 * bench then checks its own options).
 * @throws Error for `--json=...` (it takes no value) or an empty `--svg=`.
 */
export function outputOption(o: OutputOptions, key: string, value: string): boolean {
  if (key === '--json') {
    if (value !== '') throw new Error(`--json takes no value, got '${value}' (the JSON goes to stdout: redirect it)`);
    o.json = true;
    return true;
  }
  if (key === '--svg') {
    if (value === '') throw new Error('--svg needs a file path (--svg=chart.svg)');
    o.svg = value;
    return true;
  }
  return false;
}

/** One line per comparison: the unit compared, the verdict, the median ratio and its spread. */
export function verdictTable(report: BenchReport): string {
  return renderTable([
    ['case', 'contender', 'baseline', 'unit', 'ratio (median)', 'ratio min .. max', 'verdict'],
    ...report.rows.map((r) => [r.case, r.contender, r.baseline, r.unit, formatRatio(r.ratio.median), `${formatRatio(r.ratio.min)} .. ${formatRatio(r.ratio.max)}`, r.verdict]),
  ]);
}

/**
 * Writes the results: `text` (the bench's own tables) and the verdict table on stdout,
 * or the report as JSON; the SVG chart to `o.svg` when given.
 */
export function emitReport(o: OutputOptions, report: BenchReport, text: string): void {
  if (o.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else {
    const verdicts = report.rows.length === 0 ? '' : `\nVerdicts ('ahead'/'behind' only when the spreads of the samples do not overlap):\n${verdictTable(report)}\n`;
    process.stdout.write(`${text.replace(/\n*$/, '\n')}${verdicts}`);
  }
  if (o.svg !== null) {
    writeFileSync(o.svg, renderSvg(report));
    process.stderr.write(`chart: ${resolve(o.svg)}\n`);
  }
}
