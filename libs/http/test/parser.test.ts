import { HttpParseError, RequestParser } from '../src/index.js';
import { bytes, parse, parseChunks, rejection } from './parse.js';

const GET = 'GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent:  t  \r\n\r\n';
const POST_LENGTH = 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello';
const POST_CHUNKED = 'POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 11\r\nX-More: yes\r\n\r\n';

describe('RequestParser: requests it accepts', () => {
  it('parses a request without a body: method, target, version, headers (names lower-cased, values trimmed)', () => {
    const { requests, error } = parse(GET);
    expect(error).toBeUndefined();
    expect(requests).toHaveLength(1);
    const { head, body } = requests[0]!;
    expect([head.method, head.target, head.version, head.framing, head.contentLength, head.keepAlive]).toEqual(['GET', '/a?b=1', '1.1', 'none', undefined, true]);
    expect(head.headers).toEqual([['host', 'example.com'], ['user-agent', 't']]);
    expect(body).toBe('');
  });

  it('reads a Content-Length body', () => {
    const [request] = parse(POST_LENGTH).requests;
    expect([request!.head.framing, request!.head.contentLength, request!.body]).toEqual(['length', 5, 'hello']);
  });

  it('reads a chunked body, ignoring well-formed chunk extensions, and returns the trailers', () => {
    const { requests, error } = parse(POST_CHUNKED);
    expect(error).toBeUndefined();
    expect(requests[0]!.head.framing).toBe('chunked');
    expect(requests[0]!.body).toBe('hello world');
    expect(requests[0]!.trailers).toEqual([['x-sum', '11'], ['x-more', 'yes']]);
  });

  it('parses pipelined requests in one buffer, in order', () => {
    const { requests, error } = parse(GET + POST_LENGTH + POST_CHUNKED + GET);
    expect(error).toBeUndefined();
    expect(requests.map((r) => `${r.head.method} ${r.head.target} ${r.body}`)).toEqual(['GET /a?b=1 ', 'POST /echo hello', 'POST /c hello world', 'GET /a?b=1 ']);
  });

  it('gives the same requests when the bytes are split at every boundary, and byte by byte', () => {
    const all = bytes(GET + POST_LENGTH + POST_CHUNKED);
    const whole = parse(GET + POST_LENGTH + POST_CHUNKED).requests;
    for (let cut = 1; cut < all.length; cut++) {
      const { requests, error } = parseChunks([all.subarray(0, cut), all.subarray(cut)]);
      expect(error).toBeUndefined();
      expect(requests).toEqual(whole);
    }
    const oneByOne = parseChunks([...all].map((b) => Uint8Array.of(b)));
    expect(oneByOne.requests).toEqual(whole);
  });

  it('hands body data as views of the fed buffer, without copying, when a request arrives in one chunk', () => {
    const chunk = bytes(POST_LENGTH);
    const parser = new RequestParser();
    parser.feed(chunk);
    expect(parser.next()?.type).toBe('request');
    const data = parser.next();
    expect(data?.type).toBe('data');
    if (data?.type !== 'data') return;
    expect(data.data.buffer).toBe(chunk.buffer);
    expect(parser.next()).toEqual({ type: 'end', trailers: [] });
    expect(parser.next()).toBeNull();
    expect(parser.idle).toBe(true);
  });

  it('never writes over body data it handed out, even when it moves what is left of its own buffer', () => {
    // The head spans two chunks, so the parser copies into storage of its own; a body piece
    // is handed out of it; then a chunk that fits only once the unconsumed tail is moved to
    // the front arrives (the server hands pieces to handlers that may keep them).
    const parser = new RequestParser();
    parser.feed(bytes('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n'));
    expect(parser.next()).toBeNull();
    parser.feed(bytes('\r\n5\r\nabcde\r\nf'));
    expect(parser.next()?.type).toBe('request');
    const piece = parser.next();
    if (piece?.type !== 'data') throw new Error(`expected data, got ${JSON.stringify(piece)}`);
    expect(parser.next()).toBeNull();
    parser.feed(bytes(`d0\r\n${'z'.repeat(0xfd0)}\r\n0\r\n\r\n`));
    expect(Buffer.from(piece.data).toString('latin1')).toBe('abcde');
    const rest = parser.next();
    expect(rest?.type === 'data' && rest.data.length).toBe(0xfd0);
    expect(parser.next()).toEqual({ type: 'end', trailers: [] });
  });

  it('ignores empty lines before a request line (RFC 9112 §2.2), however they are split', () => {
    const all = bytes(`\r\n\r\n${GET}\r\n${GET}`);
    for (let cut = 1; cut < all.length; cut++) {
      const { requests, error } = parseChunks([all.subarray(0, cut), all.subarray(cut)]);
      expect({ cut, error: error?.message, requests: requests.length }).toEqual({ cut, error: undefined, requests: 2 });
    }
  });

  it('works out keep-alive from the version and Connection, and sees Expect: 100-continue', () => {
    const head = (text: string) => parse(text).requests[0]!.head;
    expect(head('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n').keepAlive).toBe(false);
    expect(head('GET / HTTP/1.0\r\n\r\n').keepAlive).toBe(false);
    expect(head('GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n').keepAlive).toBe(true);
    expect(head('POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nContent-Length: 0\r\n\r\n').expectContinue).toBe(true);
    expect(head(GET).expectContinue).toBe(false);
  });

  it('accepts absolute-form, asterisk-form for OPTIONS and authority-form for CONNECT targets', () => {
    expect(parse('GET http://x/y HTTP/1.1\r\nHost: x\r\n\r\n').requests[0]!.head.target).toBe('http://x/y');
    expect(parse('OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n').requests[0]!.head.target).toBe('*');
    expect(parse('CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n').requests[0]!.head.target).toBe('x:443');
  });

  it('keeps obs-text (bytes 0x80-0xFF) in a value, as latin1', () => {
    expect(parse('GET / HTTP/1.1\r\nHost: x\r\nX: caf\xe9\r\n\r\n').requests[0]!.head.headers[1]).toEqual(['x', 'caf\xe9']);
  });
});

describe('RequestParser: requests it rejects with 400', () => {
  const cases: Array<[rule: string, request: string, message: RegExp]> = [
    ['both Content-Length and Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', /both Content-Length and Transfer-Encoding/],
    ['Content-Length values that differ (two fields)', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd', /Content-Length values differ \(3 and 4\)/],
    ['Content-Length values that differ (a list)', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 4\r\n\r\nabcd', /Content-Length values differ/],
    ['a repeated Content-Length', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc', /Content-Length is repeated/],
    ['a Content-Length with a sign', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc', /not a decimal number/],
    ['a tab in Content-Length', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\t\r\n\r\nabc', /a tab in Content-Length/],
    ['Content-Length in the trailers', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nContent-Length: 5\r\n\r\n', /content-length in the trailer section/],
    ['an empty element in Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ,chunked\r\n\r\n0\r\n\r\n', /empty list element/],
    ['no HTTP version (HTTP/0.9)', 'GET /\r\n\r\n', /no HTTP version/],
    ['two spaces before the version', 'GET /  HTTP/1.1\r\nHost: x\r\n\r\n', /more than one space before the HTTP version/],
    ['a bare LF between requests', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n\nGET / HTTP/1.1\r\nHost: x\r\n\r\n', /a bare LF before the request line/],
    ['* with a method other than OPTIONS', 'GET * HTTP/1.1\r\nHost: x\r\n\r\n', /only for OPTIONS/],
    ['a Content-Length too large', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n', /too large/],
    ['a chunk size that is not hex', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /chunk size is not hexadecimal/],
    ['a chunk size with 0x', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n', /malformed chunk size/],
    ['a chunk size that overflows', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n', /chunk size overflows/],
    ['chunk data longer than its size', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n', /not followed by CRLF/],
    ['whitespace before the colon', 'GET / HTTP/1.1\r\nHost : x\r\n\r\n', /whitespace before the colon in header 'Host'/],
    ['no Host in HTTP/1.1', 'GET / HTTP/1.1\r\nAccept: */*\r\n\r\n', /without a Host header/],
    ['two Host headers', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', /more than one Host/],
    ['an invalid character in a name', 'GET / HTTP/1.1\r\nHost: x\r\nX(y): 1\r\n\r\n', /'\(' in the header name 'X'/],
    ['a NUL in a value', 'GET / HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n', /a NUL byte in the value of header 'x'/],
    ['a control character in a value', 'GET / HTTP/1.1\r\nHost: x\r\nX: a\x01b\r\n\r\n', /the byte 0x01 in the value of header 'x'/],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n', /obs-fold/],
    ['a bare CR in a value', 'GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n', /a bare CR in the value of header 'x'/],
    ['a bare CR in the request line', 'GET /\r HTTP/1.1\r\nHost: x\r\n\r\n', /a bare CR in the request-target/],
    ['a bare LF ending a line', 'GET / HTTP/1.1\nHost: x\r\n\r\n', /bare LF/],
    ['a bare LF in a chunk-size line', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\n\r\n', /bare LF/],
    ['Transfer-Encoding not ending in chunked', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n', /does not end in chunked/],
    ['Transfer-Encoding chunked twice', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', /chunked more than once/],
    ['Transfer-Encoding in HTTP/1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', /HTTP\/1.0 request/],
    ['whitespace after a chunk size', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5 ;a=b\r\nhello\r\n0\r\n\r\n', /malformed chunk size or extension ' ;a=b'/],
    ['a malformed chunk extension', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;\r\nhello\r\n0\r\n\r\n', /malformed chunk size or extension/],
    ['two spaces in the request line', 'GET  / HTTP/1.1\r\nHost: x\r\n\r\n', /request-target is empty/],
    ['a lower-case version', 'GET / http/1.1\r\nHost: x\r\n\r\n', /does not end in HTTP\/1.1/],
    ['a target that is not a path or URL', 'GET foo HTTP/1.1\r\nHost: x\r\n\r\n', /neither a path nor an absolute URL/],
    ['a request cut off by EOF', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc', /closed in the middle of a request/],
  ];
  it.each(cases)('%s', (_rule, request, message) => {
    const error = rejection(request);
    expect(error).toBeInstanceOf(HttpParseError);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
  });

  it('keeps throwing the same error after a rejection (the connection must close)', () => {
    const parser = new RequestParser();
    parser.feed(bytes('GET / HTTP/1.1\r\nHost : x\r\n\r\n'));
    let first: unknown;
    try { parser.next(); } catch (e) { first = e; }
    expect(first).toBeInstanceOf(HttpParseError);
    expect(() => parser.next()).toThrow(first as Error);
  });

  it('judges a line when it ends: a bad byte in an unfinished head is not yet an error', () => {
    const { requests, error } = parseChunks([bytes('GET / HTTP/1.1\r\nHost: x\r\nX: a\x00')], {}, false);
    expect(requests).toEqual([]);
    expect(error).toBeUndefined();
  });
});

describe('RequestParser: limits', () => {
  it('answers 431 for a head over maxHeaderSize, even before the head ends', () => {
    const big = `GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(17 * 1024)}`;
    const { error } = parseChunks([bytes(big)], {}, false);
    expect(error?.status).toBe(431);
    expect(error?.message).toMatch(/larger than maxHeaderSize \(16384 bytes\)/);
    expect(rejection(`GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(200)}\r\n\r\n`, { maxHeaderSize: 100 }).status).toBe(431);
  });

  it('answers 431 for too many header fields, and for a trailer section over the limits', () => {
    const many = `GET / HTTP/1.1\r\nHost: x\r\n${'X: 1\r\n'.repeat(10)}\r\n`;
    expect(parse(many, { maxHeaders: 11 }).error).toBeUndefined();
    const error = rejection(many, { maxHeaders: 10 });
    expect([error.status, error.message]).toEqual([431, 'more than 10 header fields (maxHeaders)']);
    const trailers = `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: ${'a'.repeat(300)}\r\n\r\n`;
    expect(rejection(trailers, { maxHeaderSize: 200 }).message).toMatch(/trailer section is larger/);
  });

  it('answers 413 for a body over maxBodySize, by Content-Length or by chunk sizes', () => {
    expect(rejection('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n', { maxBodySize: 10 }).status).toBe(413);
    expect(parse('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789', { maxBodySize: 10 }).error).toBeUndefined();
    const chunked = 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n6\r\n';
    expect(rejection(chunked, { maxBodySize: 10 }).status).toBe(413);
  });

  it('answers 501 for a transfer coding other than chunked, and 505 for another HTTP version', () => {
    expect(rejection('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n').status).toBe(501);
    expect(rejection('GET / HTTP/2.0\r\nHost: x\r\n\r\n').status).toBe(505);
  });

  it('limits a chunk-size line (chunk extensions would be unbounded otherwise)', () => {
    const long = `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;${'a'.repeat(5000)}`;
    expect(parseChunks([bytes(long)], {}, false).error?.message).toMatch(/chunk-size line is longer than 4096 bytes/);
  });
});
