// Requests for the differential test, generated deterministically from a seed: valid ones
// (every framing, pipelined), the same with one mutation (a byte, a header, the framing),
// and the known request-smuggling inputs.
import { seededRandom } from '../../../tools/jest/seeded-random.js';

export interface Case {
  /** What made it: `valid`, the mutation's name, or `smuggling: ...`. */
  kind: string;
  bytes: Buffer;
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

interface RequestSpec {
  method: string;
  target: string;
  version: string;
  headers: Array<[string, string]>;
  /** The body as framed on the wire (already chunked, for a chunked request). */
  body: string;
}

const METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];
const TARGETS = ['/', '/index.html', '/a/b/c?x=1&y=two', '/search?q=a%20b&lang=en', '/~user/file.txt', '/api/v1/items/42', '/p;param?q=%E2%9C%93', 'http://example.com:8080/abs?x=1', '/a#frag', "/!$&'()*+,;=:@-._~"];
const NAMES = ['Accept', 'User-Agent', 'X-Request-Id', 'Cookie', 'Accept-Encoding', 'X-Forwarded-For', 'Cache-Control', 'x-custom', "X!#$%&'*+-.^_`|~1", 'If-None-Match'];
const VALUE_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~\t';

function value(rng: Rng): string {
  let v = '';
  const n = int(rng, 0, 24);
  for (let i = 0; i < n; i++) v += rng() < 0.03 ? String.fromCharCode(int(rng, 0x80, 0xff)) : pick(rng, [...VALUE_CHARS]);
  // Surrounding whitespace is optional whitespace (OWS): both parsers must drop it.
  return (rng() < 0.2 ? ' ' : '') + v + (rng() < 0.2 ? ' \t' : '');
}

function bodyBytes(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(int(rng, 0, 255));
  return s;
}

function chunked(rng: Rng, trailers: boolean): string {
  let wire = '';
  for (let chunks = int(rng, 1, 4); chunks > 0; chunks--) {
    const data = bodyBytes(rng, int(rng, 1, 40));
    const size = data.length.toString(16);
    const ext = rng() < 0.2 ? pick(rng, [';a', ';a=b', ';name="quoted value"', ';x=1;y=2']) : '';
    wire += `${rng() < 0.5 ? size.toUpperCase() : size}${ext}\r\n${data}\r\n`;
  }
  wire += '0\r\n';
  if (trailers) for (let n = int(rng, 1, 2); n > 0; n--) wire += `X-Trailer-${n}: ${value(rng).trim()}\r\n`;
  return `${wire}\r\n`;
}

function validRequest(rng: Rng, last: boolean): RequestSpec {
  // An HTTP/1.0 request without keep-alive makes Node close after answering it: only last.
  const version = last && rng() < 0.15 ? 'HTTP/1.0' : 'HTTP/1.1';
  const method = pick(rng, METHODS);
  const target = method === 'OPTIONS' && rng() < 0.3 ? '*' : pick(rng, TARGETS);
  const headers: Array<[string, string]> = [];
  if (version === 'HTTP/1.1' || rng() < 0.5) headers.push([pick(rng, ['Host', 'host', 'HOST']), pick(rng, ['example.com', 'localhost:8080', '127.0.0.1'])]);
  for (let n = int(rng, 0, 6); n > 0; n--) headers.splice(int(rng, 0, headers.length), 0, [pick(rng, NAMES), value(rng)]);
  let body = '';
  const framing = method === 'GET' || method === 'HEAD' ? (rng() < 0.8 ? 'none' : 'length') : pick(rng, ['none', 'length', 'chunked']);
  if (framing === 'length') {
    body = bodyBytes(rng, int(rng, 0, 64));
    headers.push(['Content-Length', String(body.length)]);
  } else if (framing === 'chunked' && version === 'HTTP/1.1') {
    headers.push([pick(rng, ['Transfer-Encoding', 'transfer-encoding']), pick(rng, ['chunked', 'Chunked', 'CHUNKED'])]);
    body = chunked(rng, rng() < 0.3);
  }
  return { method, target, version, headers, body };
}

function serialize(r: RequestSpec): string {
  return `${r.method} ${r.target} ${r.version}\r\n${r.headers.map(([n, v]) => `${n}:${v.startsWith(' ') ? '' : ' '}${v}\r\n`).join('')}\r\n${r.body}`;
}

/** Mutations of one request, each named: the framing, the header syntax, the request line. */
const REQUEST_MUTATIONS: Array<[string, (r: RequestSpec, rng: Rng) => void]> = [
  ['no Host', (r) => { r.headers = r.headers.filter(([n]) => n.toLowerCase() !== 'host'); }],
  ['two Hosts', (r) => { r.headers.push(['Host', 'other.example']); }],
  ['space before colon', (r, rng) => { if (r.headers.length > 0) { const i = int(rng, 0, r.headers.length - 1); r.headers[i]![0] += pick(rng, [' ', '\t']); } }],
  ['obs-fold', (r, rng) => { r.headers.push(['X-Folded', `a\r\n${pick(rng, [' ', '\t'])}b`]); }],
  ['bad byte in name', (r, rng) => { r.headers.push([`X${pick(rng, ['(', ')', '@', '[', '"', '/', '\x00', '\x7f', '\xe9', '{'])}Y`, '1']); }],
  ['bad byte in value', (r, rng) => { r.headers.push(['X-V', `a${pick(rng, ['\x00', '\x01', '\x7f', '\r', '\n', '\x0b', '\x1f'])}b`]); }],
  ['content-length variant', (r, rng) => {
    const n = r.body.length;
    r.headers = r.headers.filter(([h]) => h.toLowerCase() !== 'content-length' && h.toLowerCase() !== 'transfer-encoding');
    r.headers.push(['Content-Length', pick(rng, [`+${n}`, `-${n}`, `0${n}`, `${n} ${n}`, `${n},${n}`, `${n}, ${n + 1}`, `0x${n.toString(16)}`, `${n}.0`, '', ' ', `${n}a`, '99999999999999999999', `${n}\t`])]);
  }],
  ['duplicate content-length', (r, rng) => { r.headers.push(['Content-Length', String(r.body.length + pick(rng, [0, 1]))]); }],
  ['transfer-encoding variant', (r, rng) => {
    r.headers = r.headers.filter(([h]) => h.toLowerCase() !== 'content-length' && h.toLowerCase() !== 'transfer-encoding');
    r.headers.push(['Transfer-Encoding', pick(rng, ['chunked, identity', 'identity, chunked', 'xchunked', 'chunked-x', 'chunk', 'chunked,', ',chunked', 'chunked, chunked', 'gzip, chunked', 'chunked;q=1', '"chunked"', 'identity', 'chunked\x0b', '\x0bchunked'])]);
    r.body = '5\r\nhello\r\n0\r\n\r\n';
  }],
  ['CL and TE', (r) => { r.headers.push(['Content-Length', '4'], ['Transfer-Encoding', 'chunked']); r.body = '0\r\n\r\n'; }],
  ['version', (r, rng) => { r.version = pick(rng, ['HTTP/1.2', 'HTTP/2.0', 'HTTP/0.9', 'HTTP/1', 'http/1.1', 'HTTP/1.1 ', 'HTTP/11', 'HTTP/1.10', 'HTTP/3.0', 'HTTPS/1.1']); }],
  ['method', (r, rng) => { r.method = pick(rng, ['get', 'FOO', 'G ET', 'GET\x00', 'PROPFIND', 'M-SEARCH', 'PURGE', 'QUERY', 'BREW', '']); }],
  ['target', (r, rng) => { r.target = pick(rng, ['', '/a b', '/\x00', '/\x7f', '/caf\xe9', '*', 'foo', '//x', '/a\tb', 'HTTP://X/']); }],
  ['chunk size', (r, rng) => {
    r.headers = r.headers.filter(([h]) => h.toLowerCase() !== 'content-length' && h.toLowerCase() !== 'transfer-encoding');
    r.headers.push(['Transfer-Encoding', 'chunked']);
    r.body = `${pick(rng, ['g', '-1', ' 5', '5 ', '0x5', '+5', 'ffffffffffffffffffff', '5;', '5; a=b', '5;a =b', '5;a="b', '5\t', '05', '5;a=b;c', '5;\x00'])}\r\nhello\r\n0\r\n\r\n`;
  }],
  ['chunk framing', (r, rng) => {
    r.headers = r.headers.filter(([h]) => h.toLowerCase() !== 'content-length' && h.toLowerCase() !== 'transfer-encoding');
    r.headers.push(['Transfer-Encoding', 'chunked']);
    r.body = pick(rng, ['5\r\nhello\n0\r\n\r\n', '5\r\nhelloXX\r\n0\r\n\r\n', '5\r\nhel\r\n0\r\n\r\n', '5\nhello\r\n0\r\n\r\n', '0\r\n\r', '0\n\n', '0\r\nT: 1\n\r\n', '0\r\nT : 1\r\n\r\n', '0\r\n T: 1\r\n\r\n', '5\r\nhello\r\r\n0\r\n\r\n']);
  }],
  ['many headers', (r) => { for (let i = 0; i < 150; i++) r.headers.push([`X-H${i}`, 'v']); }],
  ['huge header', (r) => { r.headers.push(['X-Big', 'a'.repeat(20 * 1024)]); }],
];

/** Mutations of the bytes of a whole case: insert, delete or replace one byte, or change line endings. */
const INTERESTING = [0x00, 0x0d, 0x0a, 0x20, 0x09, 0x3a, 0x7f, 0x80, 0xff, 0x2c, 0x22, 0x3b, 0x01, 0x0b, 0x0c, 0x2f, 0x30, 0x61];
const BYTE_MUTATIONS: Array<[string, (s: string, rng: Rng) => string]> = [
  ['insert byte', (s, rng) => { const i = int(rng, 0, s.length); return s.slice(0, i) + String.fromCharCode(pick(rng, INTERESTING)) + s.slice(i); }],
  ['delete byte', (s, rng) => { const i = int(rng, 0, s.length - 1); return s.slice(0, i) + s.slice(i + 1); }],
  ['replace byte', (s, rng) => { const i = int(rng, 0, s.length - 1); return s.slice(0, i) + String.fromCharCode(pick(rng, INTERESTING)) + s.slice(i + 1); }],
  ['LF line endings', (s) => s.replace(/\r\n/g, '\n')],
  ['one LF line ending', (s, rng) => { const ends = [...s.matchAll(/\r\n/g)].map((m) => m.index!); if (ends.length === 0) return s; const i = pick(rng, ends); return s.slice(0, i) + s.slice(i + 1); }],
  ['CR CR LF', (s, rng) => { const ends = [...s.matchAll(/\r\n/g)].map((m) => m.index!); if (ends.length === 0) return s; const i = pick(rng, ends); return `${s.slice(0, i)}\r${s.slice(i)}`; }],
];

/** The classic smuggling and desync inputs, each a whole case (the second request is the one a confused proxy would smuggle). */
const H = 'Host: x\r\n';
const SMUGGLED = `GET /admin HTTP/1.1\r\n${H}\r\n`;
export const SMUGGLING: Array<[string, string]> = [
  ['CL.TE', `POST / HTTP/1.1\r\n${H}Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG${SMUGGLED}`],
  ['TE.CL', `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n`],
  ['TE.TE xchunked', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: xchunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n`],
  ['TE.TE two TE fields', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n0\r\n\r\n`],
  ['TE.TE chunked, identity', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`],
  ['TE.TE leading space', `POST / HTTP/1.1\r\n${H}Transfer-Encoding:  chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`],
  ['TE.TE tab', `POST / HTTP/1.1\r\n${H}Transfer-Encoding:\tchunked\r\n\r\n0\r\n\r\n${SMUGGLED}`],
  ['TE.TE space before colon', `POST / HTTP/1.1\r\n${H}Transfer-Encoding : chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n`],
  ['TE.TE obs-fold', `POST / HTTP/1.1\r\n${H}X: y\r\n Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
  ['TE.TE fold before name', `POST / HTTP/1.1\r\n${H} Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
  ['TE.TE vertical tab', `POST / HTTP/1.1\r\n${H}Transfer-Encoding:\x0bchunked\r\n\r\n0\r\n\r\n`],
  ['TE.TE bare LF in name', `POST / HTTP/1.1\r\n${H}Transfer-Encoding\n: chunked\r\n\r\n0\r\n\r\n`],
  ['TE.TE bare LF before TE', `POST / HTTP/1.1\r\n${H}X: y\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
  ['TE.TE quoted', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: "chunked"\r\n\r\n0\r\n\r\n`],
  ['TE.TE upper case', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: CHUNKED\r\n\r\n0\r\n\r\n${SMUGGLED}`],
  ['TE in HTTP/1.0', `POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
  ['CL.CL differing', `POST / HTTP/1.1\r\n${H}Content-Length: 0\r\nContent-Length: 5\r\n\r\nhello`],
  ['CL.CL equal', `POST / HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello`],
  ['CL list', `POST / HTTP/1.1\r\n${H}Content-Length: 5, 5\r\n\r\nhello`],
  ['CL plus sign', `POST / HTTP/1.1\r\n${H}Content-Length: +5\r\n\r\nhello`],
  ['CL minus sign', `POST / HTTP/1.1\r\n${H}Content-Length: -1\r\n\r\n`],
  ['CL space inside', `POST / HTTP/1.1\r\n${H}Content-Length: 1 0\r\n\r\nhello12345`],
  ['CL hex', `POST / HTTP/1.1\r\n${H}Content-Length: 0x5\r\n\r\nhello`],
  ['CL leading zeros', `POST / HTTP/1.1\r\n${H}Content-Length: 005\r\n\r\nhello`],
  ['CL overflow', `POST / HTTP/1.1\r\n${H}Content-Length: 18446744073709551621\r\n\r\nhello`],
  ['CL space before colon', `POST / HTTP/1.1\r\n${H}Content-Length : 5\r\n\r\nhello`],
  ['GET with body', `GET / HTTP/1.1\r\n${H}Content-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`],
  ['chunk size overflow', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n1000000000000000000000000000005\r\nhello\r\n0\r\n\r\n`],
  ['chunk size 64-bit wrap', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n10000000000000005\r\nhello\r\n0\r\n\r\n`],
  ['chunk size space', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n`],
  ['chunk ext bare CR', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5;a\rb\r\nhello\r\n0\r\n\r\n`],
  ['chunk ext bare LF', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5;a\nb\r\nhello\r\n0\r\n\r\n`],
  ['chunk data LF', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n${SMUGGLED}`],
  ['chunk data too long', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n`],
  ['last chunk LF', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\n\n${SMUGGLED}`],
  ['trailer with CL', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\nContent-Length: 5\r\n\r\n${SMUGGLED}`],
  ['LF-only request', `GET / HTTP/1.1\n${H.replace('\r', '')}\n`],
  ['LF at end of head', `GET / HTTP/1.1\r\n${H}\n`],
  ['CR CR LF', `GET / HTTP/1.1\r\r\n${H}\r\n`],
  ['bare CR in request line', `GET /\rx HTTP/1.1\r\n${H}\r\n`],
  ['bare CR ending head', `GET / HTTP/1.1\r\n${H}\r${SMUGGLED}`],
  ['NUL in target', `GET /\x00 HTTP/1.1\r\n${H}\r\n`],
  ['NUL in name', `GET / HTTP/1.1\r\n${H}X\x00Y: 1\r\n\r\n`],
  ['NUL in value', `GET / HTTP/1.1\r\n${H}X: a\x00b\r\n\r\n`],
  ['NUL before request', `\x00GET / HTTP/1.1\r\n${H}\r\n`],
  ['HTTP/0.9', 'GET /\r\n\r\n'],
  ['no Host', 'GET / HTTP/1.1\r\n\r\n'],
  ['two Hosts', `GET / HTTP/1.1\r\n${H}Host: y\r\n\r\n`],
  ['absolute URL and Host', `GET http://a.example/ HTTP/1.1\r\nHost: b.example\r\n\r\n`],
  ['tab separators', `GET\t/\tHTTP/1.1\r\n${H}\r\n`],
  ['empty line before request', `\r\n\r\nGET / HTTP/1.1\r\n${H}\r\n`],
  ['empty header name', `GET / HTTP/1.1\r\n${H}: v\r\n\r\n`],
  ['header without colon', `GET / HTTP/1.1\r\n${H}Xyz\r\n\r\n`],
  ['Expect', `POST / HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 5\r\n\r\nhello`],
];

/** `count` cases from `seed`: about a third valid (one to three pipelined requests), the rest mutated, after the smuggling inputs. */
export function generateCases(seed: number, count: number): Case[] {
  const rng = seededRandom(seed).next;
  const cases: Case[] = SMUGGLING.map(([name, text]) => ({ kind: `smuggling: ${name}`, bytes: Buffer.from(text, 'latin1') }));
  while (cases.length < count) {
    const n = int(rng, 1, 3);
    const requests = Array.from({ length: n }, (_, i) => validRequest(rng, i === n - 1));
    const roll = rng();
    let kind = 'valid';
    if (roll < 0.35) {
      const [name, mutate] = pick(rng, REQUEST_MUTATIONS);
      mutate(pick(rng, requests), rng);
      kind = name;
    }
    let text = requests.map(serialize).join('');
    if (roll >= 0.35 && roll < 0.65) {
      const [name, mutate] = pick(rng, BYTE_MUTATIONS);
      text = mutate(text, rng);
      kind = name;
    }
    cases.push({ kind, bytes: Buffer.from(text, 'latin1') });
  }
  return cases;
}
