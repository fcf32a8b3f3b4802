/**
 * The chart of a report's ratios (`--svg=PATH`): one row per comparison, a bar from the
 * ratio's min to its max, a marker at its median, and a vertical line at 1.0x. Plain SVG
 * text, no dependency.
 * @packageDocumentation
 */
import { formatRatio } from './format.js';
import type { BenchReport } from './report-json.js';

const ROW = 28;
const PLOT = 360;
const TOP = 40;
/** Width of one character of the 12 px sans-serif text, generously: labels must not run into the bars. */
const CHAR = 6.5;

/** `text` safe inside an XML element or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The SVG document of `report`'s rows. */
export function renderSvg(report: BenchReport): string {
  const rows = report.rows;
  const labels = rows.map((r) => `${r.case}: ${r.contender} ÷ ${r.baseline} (${r.unit}, ${r.higherIsBetter ? 'higher' : 'lower'} is better)`);
  const labelWidth = 16 + CHAR * Math.max(20, ...labels.map((l) => l.length));
  // The scale always shows 1.0x, with a little room on each side.
  const lo = Math.min(1, ...rows.map((r) => r.ratio.min)) * 0.95;
  const hi = Math.max(1, ...rows.map((r) => r.ratio.max)) * 1.05;
  const x = (ratio: number) => (labelWidth + ((ratio - lo) / (hi - lo)) * PLOT).toFixed(1);
  const title = `${report.bench}: contender ÷ baseline (bar: min–max, dot: median; right of the 1.0x line: the contender's figure is larger)`;
  // Room after the plot for the median and verdict ('12.3x spreads overlap').
  const width = Math.max(labelWidth + PLOT + 30 * CHAR, 16 + title.length * CHAR);
  const height = TOP + rows.length * ROW + 30;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="20" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  rows.forEach((r, i) => {
    const y = TOP + i * ROW;
    const mid = y + ROW / 2;
    parts.push(
      `<g class="row">`,
      `<text class="label" x="8" y="${mid + 4}">${escapeXml(labels[i])}</text>`,
      `<rect class="bar" x="${x(r.ratio.min)}" y="${mid - 5}" width="${Math.max(1, Number(x(r.ratio.max)) - Number(x(r.ratio.min))).toFixed(1)}" height="10" fill="#9ab"/>`,
      `<circle class="median" cx="${x(r.ratio.median)}" cy="${mid}" r="4" fill="#124"/>`,
      `<text class="value" x="${labelWidth + PLOT + 8}" y="${mid + 4}">${escapeXml(`${formatRatio(r.ratio.median)} ${r.verdict}`)}</text>`,
      `</g>`,
    );
  });
  const bottom = TOP + rows.length * ROW;
  parts.push(
    `<line class="one" x1="${x(1)}" y1="${TOP - 6}" x2="${x(1)}" y2="${bottom}" stroke="#c00" stroke-dasharray="4 3"/>`,
    `<text x="${x(1)}" y="${bottom + 16}" text-anchor="middle">1.0x</text>`,
  );
  // The ends of the scale, unless they would print over the 1.0x label.
  const one = Number(x(1));
  if (one - labelWidth > 40) parts.push(`<text x="${labelWidth}" y="${bottom + 16}">${formatRatio(lo)}</text>`);
  if (labelWidth + PLOT - one > 40) parts.push(`<text x="${labelWidth + PLOT}" y="${bottom + 16}" text-anchor="end">${formatRatio(hi)}</text>`);
  parts.push(`</svg>`);
  return parts.join('\n') + '\n';
}
