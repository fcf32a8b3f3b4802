/**
 * A strict check that a document is well-formed XML (balanced, properly nested tags,
 * quoted attributes, only the five predefined or numeric entities, no stray `<` or `&`):
 * enough for the SVG the benchmarks write, with no parser dependency. Returns the elements
 * as a flat list, in document order.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  text: string;
  parent: XmlElement | null;
}

const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

function decode(raw: string, where: string): string {
  if (/[<]/.test(raw) || /&/.test(raw.replace(ENTITY, ''))) throw new Error(`unescaped '<' or '&' in ${where}: ${raw}`);
  return raw.replace(ENTITY, (e) => {
    const named: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };
    if (named[e] !== undefined) return named[e];
    return String.fromCodePoint(e[2] === 'x' ? parseInt(e.slice(3, -1), 16) : Number(e.slice(2, -1)));
  });
}

export function parseXml(doc: string): XmlElement[] {
  const elements: XmlElement[] = [];
  const open: XmlElement[] = [];
  const token = /<\/?([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_:][\w:.-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
  let i = doc.startsWith('<?xml') ? doc.indexOf('?>') + 2 : 0;
  while (i < doc.length) {
    const lt = doc.indexOf('<', i);
    const text = decode(doc.slice(i, lt === -1 ? doc.length : lt), 'text');
    if (open.length > 0) open[open.length - 1].text += text;
    else if (text.trim() !== '') throw new Error(`text outside the root element: ${text}`);
    if (lt === -1) break;
    token.lastIndex = lt;
    const m = token.exec(doc);
    if (m === null) throw new Error(`malformed tag at offset ${lt}: ${doc.slice(lt, lt + 40)}`);
    const [whole, name, attrs, selfClosing] = m;
    if (whole.startsWith('</')) {
      const top = open.pop();
      if (top?.name !== name || attrs !== '') throw new Error(`</${name}> closes <${top?.name ?? 'nothing'}>`);
    } else {
      if (open.length === 0 && elements.length > 0) throw new Error('a second root element');
      const attributes: Record<string, string> = {};
      for (const a of attrs.matchAll(/([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        if (a[1] in attributes) throw new Error(`attribute ${a[1]} twice`);
        attributes[a[1]] = decode(a[2] ?? a[3], `attribute ${a[1]}`);
      }
      const element = { name, attributes, text: '', parent: open[open.length - 1] ?? null };
      elements.push(element);
      if (selfClosing === '') open.push(element);
    }
    i = lt + whole.length;
  }
  if (open.length > 0) throw new Error(`<${open[open.length - 1].name}> is never closed`);
  if (elements.length === 0) throw new Error('no root element');
  return elements;
}
