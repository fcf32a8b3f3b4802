import { Buffer } from 'node:buffer';
import { RequestWriter } from '../src/index.js';
import { parseChunks } from './parse.js';

const HOST: [string, string] = ['Host', 'example.com'];
const text = (pieces: Uint8Array[]): string => Buffer.concat(pieces).toString('latin1');

describe('RequestWriter', () => {
  it('writes a request without a body: no framing field at all', () => {
    const writer = new RequestWriter();
    const bytes = text([writer.head('GET', '/a?b=1', [HOST, ['Accept', '*/*']]), writer.end()]);
    expect(bytes).toBe('GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n');
    expect(writer.framing).toBe('none');
    expect(() => writer.data(Buffer.from('x'))).toThrow(/data\(\) after end/);
    const again = new RequestWriter();
    again.head('GET', '/', [HOST]);
    expect(() => again.data(Buffer.from('x'))).toThrow(/this request has no body/);
  });

  it('writes a Content-Length body that our request parser reads back byte for byte', () => {
    const writer = new RequestWriter();
    const body = Buffer.from('{"a":1}');
    const bytes = [writer.head('POST', '/items', [HOST, ['Content-Type', 'application/json']], { contentLength: body.length }), ...writer.data(body), writer.end()];
    const { requests, error } = parseChunks(bytes);
    expect(error).toBeUndefined();
    expect([requests[0]!.head.method, requests[0]!.head.target, requests[0]!.head.framing, requests[0]!.body]).toEqual(['POST', '/items', 'length', '{"a":1}']);
    expect(requests[0]!.head.headers).toEqual([['host', 'example.com'], ['content-type', 'application/json'], ['content-length', '7']]);
  });

  it('writes a chunked body with trailers that our request parser reads back, and sends nothing for an empty piece', () => {
    const writer = new RequestWriter();
    const pieces = [writer.head('PUT', '/up', [HOST], { chunked: true }), ...writer.data(Buffer.from('hello')), ...writer.data(new Uint8Array(0)), ...writer.data(Buffer.from(' world')), writer.end([['X-Sum', '11']])];
    expect(text(pieces)).toBe('PUT /up HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 11\r\n\r\n');
    const { requests, error } = parseChunks(pieces);
    expect(error).toBeUndefined();
    expect([requests[0]!.body, requests[0]!.trailers]).toEqual(['hello world', [['x-sum', '11']]]);
  });

  it('refuses what would split or misframe the request, naming the problem', () => {
    const w = (): RequestWriter => new RequestWriter();
    expect(() => w().head('GET /x HTTP/1.1\r\n', '/', [HOST])).toThrow(/invalid method/);
    expect(() => w().head('GET', '/a b', [HOST])).toThrow(/invalid request-target "\/a b"/);
    expect(() => w().head('GET', '', [HOST])).toThrow(/invalid request-target/);
    expect(() => w().head('GET', '/', [HOST, ['X', 'a\r\nEvil: 1']])).toThrow(/invalid value for header 'X'/);
    expect(() => w().head('GET', '/', [])).toThrow(/exactly one Host header .* got 0/);
    expect(() => w().head('GET', '/', [HOST, HOST])).toThrow(/got 2/);
    expect(() => w().head('POST', '/', [HOST, ['Content-Length', '3']])).toThrow(/contentLength or chunked option, not a content-length header/);
    expect(() => w().head('POST', '/', [HOST, ['Transfer-Encoding', 'chunked']])).toThrow(/not a transfer-encoding header/);
    expect(() => w().head('POST', '/', [HOST], { contentLength: 1, chunked: true })).toThrow(/not both/);
    expect(() => w().head('POST', '/', [HOST], { contentLength: -1 })).toThrow(/non-negative integer/);
  });

  it('holds a Content-Length body to its length, and trailers to a chunked body', () => {
    const long = new RequestWriter();
    long.head('POST', '/', [HOST], { contentLength: 3 });
    expect(() => long.data(Buffer.from('abcd'))).toThrow(/longer than its Content-Length \(3 bytes\)/);
    const short = new RequestWriter();
    short.head('POST', '/', [HOST], { contentLength: 5 });
    short.data(Buffer.from('ab'));
    expect(() => short.end()).toThrow(/ended after 2 of its 5 bytes/);
    const withLength = new RequestWriter();
    withLength.head('POST', '/', [HOST], { contentLength: 0 });
    expect(() => withLength.end([['X', '1']])).toThrow(/trailers need a chunked body/);
    const chunked = new RequestWriter();
    chunked.head('POST', '/', [HOST], { chunked: true });
    expect(() => chunked.end([['Host', 'x']])).toThrow(/'host' may not be a trailer field/);
    expect(() => chunked.head('POST', '/', [HOST])).toThrow(/twice/);
  });
});
