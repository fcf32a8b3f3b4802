/**
 * The chart of a report's ratios (`--svg=PATH`): one row per comparison, a bar from the
 * ratio's min to its max, a marker at its median, and a vertical line at 1.0x. Plain SVG
 * text, no dependency.
 * @packageDocumentation
 */
import { formatRatio } from './format.js';
import type { BenchReport } from './report-json.js';

const ROW = 28;
const LABEL = 420;
const PLOT = 360;
const TOP = 40;

/** `text` safe inside an XML element or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The SVG document of `report`'s rows. */
export function renderSvg(report: BenchReport): string {
  const rows = report.rows;
  // The scale always shows 1.0x, with a little room on each side.
  const lo = Math.min(1, ...rows.map((r) => r.ratio.min)) * 0.95;
  const hi = Math.max(1, ...rows.map((r) => r.ratio.max)) * 1.05;
  const x = (ratio: number) => (LABEL + ((ratio - lo) / (hi - lo)) * PLOT).toFixed(1);
  const width = LABEL + PLOT + 120;
  const height = TOP + rows.length * ROW + 30;
  const title = `${report.bench}: contender ÷ baseline (bar: min–max, dot: median; right of 1.0x: higher)`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<text x="8" y="20" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  rows.forEach((r, i) => {
    const y = TOP + i * ROW;
    const mid = y + ROW / 2;
    const label = `${r.case}: ${r.contender} ÷ ${r.baseline} (${r.unit}, ${r.higherIsBetter ? 'higher' : 'lower'} is better)`;
    parts.push(
      `<g class="row">`,
      `<text class="label" x="8" y="${mid + 4}">${escapeXml(label)}</text>`,
      `<rect class="bar" x="${x(r.ratio.min)}" y="${mid - 5}" width="${Math.max(1, Number(x(r.ratio.max)) - Number(x(r.ratio.min))).toFixed(1)}" height="10" fill="#9ab"/>`,
      `<circle class="median" cx="${x(r.ratio.median)}" cy="${mid}" r="4" fill="#124"/>`,
      `<text class="value" x="${LABEL + PLOT + 8}" y="${mid + 4}">${escapeXml(`${formatRatio(r.ratio.median)} ${r.verdict}`)}</text>`,
      `</g>`,
    );
  });
  const bottom = TOP + rows.length * ROW;
  parts.push(
    `<line class="one" x1="${x(1)}" y1="${TOP - 6}" x2="${x(1)}" y2="${bottom}" stroke="#c00" stroke-dasharray="4 3"/>`,
    `<text x="${x(1)}" y="${bottom + 16}" text-anchor="middle">1.0x</text>`,
    `<text x="${LABEL}" y="${bottom + 16}">${formatRatio(lo)}</text>`,
    `<text x="${LABEL + PLOT}" y="${bottom + 16}" text-anchor="end">${formatRatio(hi)}</text>`,
    `</svg>`,
  );
  return parts.join('\n') + '\n';
}
