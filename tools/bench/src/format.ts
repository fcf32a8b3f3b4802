/**
 * Number formatting and the aligned, Markdown-compatible table.
 * @packageDocumentation
 */

/** A rate or count, short: 1.23M, 456k, 789. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(x / 1e3).toFixed(0)}k`;
  if (abs >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(0);
}

/** A ratio: 2.45x. */
export function formatRatio(x: number): string {
  return Number.isFinite(x) ? `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}x` : '-';
}

/**
 * Renders rows as a Markdown table whose columns are padded, so it reads the same in a
 * terminal and in a .md file. The first row is the header.
 */
export function renderTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].join('\n');
}

/** A share of one core (or any fraction) as a whole percentage, `'-'` when unknown. */
export function formatPercent(x: number | null): string {
  return x === null ? '-' : `${Math.round(x * 100)}%`;
}
