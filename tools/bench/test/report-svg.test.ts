import { benchReport } from '../src/report-json.js';
import { escapeXml, renderSvg } from '../src/report-svg.js';
import { parseXml } from './xml.js';

describe('renderSvg', () => {
  const report = benchReport('echo', 2, [
    { case: '100 connections', contender: 'curio', baseline: 'callback', unit: 'requests/s', higherIsBetter: true, contenderSamples: [90, 110], baselineSamples: [100, 100] },
    { case: 'a <b> & "c"', contender: "o'brien", baseline: 'async-iterator', unit: 'requests/s', higherIsBetter: true, contenderSamples: [150, 160], baselineSamples: [100, 100] },
  ]);
  const elements = parseXml(renderSvg(report));
  const rows = elements.filter((e) => e.name === 'g' && e.attributes.class === 'row');

  it('is one well-formed svg document', () => {
    expect(elements[0].name).toBe('svg');
    expect(elements[0].attributes.xmlns).toBe('http://www.w3.org/2000/svg');
  });

  it('draws one bar and one median marker per row, the bar from min to max', () => {
    expect(rows).toHaveLength(2);
    const bars = elements.filter((e) => e.name === 'rect' && e.attributes.class === 'bar');
    const medians = elements.filter((e) => e.name === 'circle' && e.attributes.class === 'median');
    expect(bars.map((b) => b.parent)).toEqual(rows);
    expect(medians.map((m) => m.parent)).toEqual(rows);
    // The 1.0x line sits inside the first bar (0.9x..1.1x) and left of the second (1.5x..1.6x).
    const one = Number(elements.find((e) => e.attributes.class === 'one')!.attributes.x1);
    const [first, second] = bars.map((b) => ({ from: Number(b.attributes.x), to: Number(b.attributes.x) + Number(b.attributes.width) }));
    expect(first.from < one && one < first.to).toBe(true);
    expect(second.from).toBeGreaterThan(one);
  });

  it('labels every row with its case and names, escaped text read back intact', () => {
    const labels = elements.filter((e) => e.attributes.class === 'label').map((e) => e.text);
    expect(labels[0]).toContain('100 connections: curio ÷ callback');
    expect(labels[1]).toContain(`a <b> & "c": o'brien ÷ async-iterator`);
    const values = elements.filter((e) => e.attributes.class === 'value').map((e) => e.text);
    expect(values).toEqual(['1.00x spreads overlap', '1.55x ahead']);
  });

  it('is checked by a parser that rejects what is not well-formed', () => {
    expect(() => parseXml('<svg><g></svg>')).toThrow('</svg> closes <g>');
    expect(() => parseXml('<svg><text>a & b</text></svg>')).toThrow("unescaped '<' or '&' in text");
    expect(() => parseXml('<svg><rect x=1/></svg>')).toThrow('malformed tag');
  });

  it('escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&#60;a href=&#34;x&#34;&#62;&#38;&#39;');
  });
});
