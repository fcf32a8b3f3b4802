import { REPORT_SCHEMA, type BenchReport } from '../src/report-json.js';

const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * Checks that `value` (parsed JSON) has the shape of a {@link BenchReport}, field by
 * field, and returns it typed; throws naming the first field that is wrong.
 */
export function expectReport(value: unknown): BenchReport {
  const fail = (what: string): never => {
    throw new Error(`not a bench report: ${what}`);
  };
  if (typeof value !== 'object' || value === null) return fail('not an object');
  const r = value as Record<string, unknown>;
  if (r.schema !== REPORT_SCHEMA) fail(`schema is ${String(r.schema)}`);
  if (typeof r.bench !== 'string' || r.bench === '') fail('bench');
  if (!Number.isSafeInteger(r.rounds) || (r.rounds as number) < 1) fail('rounds');
  const m = r.machine as Record<string, unknown> | undefined;
  if (typeof m?.cpu !== 'string' || !isNumber(m.cores) || typeof m.node !== 'string' || !isNumber(m.loadAverage) || Number.isNaN(Date.parse(String(m.date)))) fail('machine');
  if (!Array.isArray(r.errors) || !r.errors.every((e) => typeof e === 'string')) fail('errors');
  if (!Array.isArray(r.rows)) return fail('rows');
  r.rows.forEach((row: Record<string, unknown>, i: number) => {
    for (const k of ['case', 'contender', 'baseline', 'unit']) if (typeof row[k] !== 'string' || row[k] === '') fail(`rows[${i}].${k}`);
    if (typeof row.higherIsBetter !== 'boolean') fail(`rows[${i}].higherIsBetter`);
    if (!['ahead', 'behind', 'spreads overlap', 'too few samples'].includes(row.verdict as string)) fail(`rows[${i}].verdict`);
    const ratio = row.ratio as Record<string, unknown>;
    if (!isNumber(ratio?.min) || !isNumber(ratio.median) || !isNumber(ratio.max) || ratio.min > ratio.median || ratio.median > ratio.max) fail(`rows[${i}].ratio`);
    for (const k of ['contenderSamples', 'baselineSamples']) {
      const xs = row[k];
      if (!Array.isArray(xs) || xs.length === 0 || !xs.every(isNumber)) fail(`rows[${i}].${k}`);
    }
  });
  return value as BenchReport;
}
