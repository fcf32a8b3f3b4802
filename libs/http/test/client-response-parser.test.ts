import { HttpParseError, ResponseParser } from '../src/index.js';
import { bytes, expectSameAtEverySplit, parseResponseChunks, parseResponses, responseRejection } from './client-parse.js';

const LENGTH = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n\r\nHello, world!\n';
const CHUNKED = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 11\r\nX-More: yes\r\n\r\n';
const UNTIL_CLOSE = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of this, until the server closes\r\n';

describe('ResponseParser: the framings, split at every byte boundary', () => {
  it('reads a Content-Length body: status, reason, version, headers, keep-alive', () => {
    const { responses, error } = expectSameAtEverySplit(LENGTH);
    expect(error).toBeUndefined();
    const { head, body } = responses[0]!;
    expect([head.status, head.reason, head.version, head.framing, head.contentLength, head.keepAlive]).toEqual([200, 'OK', '1.1', 'length', 14, true]);
    expect(head.headers).toEqual([['content-type', 'text/plain'], ['content-length', '14']]);
    expect(body).toBe('Hello, world!\n');
  });

  it('reads a chunked body, ignoring well-formed chunk extensions, and returns its trailers', () => {
    const { responses, error } = expectSameAtEverySplit(CHUNKED);
    expect(error).toBeUndefined();
    expect([responses[0]!.head.framing, responses[0]!.body]).toEqual(['chunked', 'hello world']);
    expect(responses[0]!.trailers).toEqual([['x-sum', '11'], ['x-more', 'yes']]);
  });

  it('reads a body framed by neither as ending when the server closes, and says the connection cannot be reused', () => {
    const { responses, error } = expectSameAtEverySplit(UNTIL_CLOSE);
    expect(error).toBeUndefined();
    expect([responses[0]!.head.framing, responses[0]!.head.keepAlive, responses[0]!.body]).toEqual(['close', false, 'all of this, until the server closes\r\n']);
    expect(parseResponseChunks([bytes(UNTIL_CLOSE)], ['GET'], {}, false).responses).toEqual([]);
  });

  it('reads no body for HEAD, 204 and 304 whatever their framing fields say, and goes on to the next response', () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n';
    const noContent = 'HTTP/1.1 204 No Content\r\n\r\n';
    const notModified = 'HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n';
    const { responses, error } = expectSameAtEverySplit(head + noContent + notModified + LENGTH, ['HEAD', 'DELETE', 'GET', 'GET']);
    expect(error).toBeUndefined();
    expect(responses.map((r) => [r.head.status, r.head.framing, r.body])).toEqual([[200, 'none', ''], [204, 'none', ''], [304, 'none', ''], [200, 'length', 'Hello, world!\n']]);
  });

  it('gives interim 1xx responses as informational events before the final one', () => {
    const text = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n' + LENGTH;
    const { responses, error } = expectSameAtEverySplit(text, ['POST']);
    expect(error).toBeUndefined();
    expect(responses[0]!.interim.map((i) => [i.type, i.status, i.reason, i.headers])).toEqual([
      ['informational', 100, 'Continue', []], ['informational', 103, 'Early Hints', [['link', '</style.css>; rel=preload']]],
    ]);
    expect([responses[0]!.head.status, responses[0]!.body]).toEqual([200, 'Hello, world!\n']);
  });

  it('works out keep-alive from the version and Connection', () => {
    const keepAlive = (text: string): boolean => parseResponses(text).responses[0]!.head.keepAlive;
    expect(keepAlive('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')).toBe(false);
    expect(keepAlive('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n')).toBe(false);
    expect(keepAlive('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n')).toBe(true);
  });

  it('accepts an empty reason phrase, with or without the space before it, and keeps obs-text in it', () => {
    expect(parseResponses('HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n').responses[0]!.head.reason).toBe('');
    expect(parseResponses('HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n').responses[0]!.head.reason).toBe('');
    expect(parseResponses('HTTP/1.1 299 Tr\xe8s bien\r\nContent-Length: 0\r\n\r\n').responses[0]!.head.reason).toBe('Tr\xe8s bien');
  });

  it('is idle between responses only: a response half received is not', () => {
    const parser = new ResponseParser();
    expect(parser.idle).toBe(true);
    parser.expect('GET');
    expect(parser.outstanding).toBe(1);
    parser.feed(bytes(LENGTH.slice(0, 20)));
    expect(parser.next()).toBeNull();
    expect(parser.idle).toBe(false);
    parser.feed(bytes(LENGTH.slice(20)));
    expect(parser.next()?.type).toBe('response');
    expect(parser.outstanding).toBe(0);
    expect(parser.next()?.type).toBe('data');
    expect(parser.next()).toEqual({ type: 'end', trailers: [] });
    expect(parser.idle).toBe(true);
  });
});

describe('ResponseParser: responses it refuses', () => {
  const cases: Array<[rule: string, response: string, message: RegExp]> = [
    ['both Content-Length and Transfer-Encoding', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', /both Content-Length and Transfer-Encoding/],
    ['Content-Length values that differ', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd', /Content-Length values differ \(3 and 4\)/],
    ['a Content-Length that is not a number', 'HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n', /not a decimal number/],
    ['a malformed Content-Length on a 304', 'HTTP/1.1 304 Not Modified\r\nContent-Length: -1\r\n\r\n', /not a decimal number/],
    ['a chunk size that is not hex', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /chunk size is not hexadecimal/],
    ['a chunk size that overflows', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n', /chunk size overflows/],
    ['chunk data longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n', /not followed by CRLF/],
    ['Transfer-Encoding in the trailers', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nTransfer-Encoding: chunked\r\n\r\n', /transfer-encoding in the trailer section/],
    ['Transfer-Encoding not ending in chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, identity\r\n\r\n', /does not end in chunked/],
    ['Transfer-Encoding in HTTP/1.0', 'HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', /HTTP\/1.0 response/],
    ['whitespace before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n', /whitespace before the colon in header 'Content-Length'/],
    ['obs-fold', 'HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 0\r\n\r\n', /obs-fold/],
    ['a bare CR in a value', 'HTTP/1.1 200 OK\r\nX: a\rb\r\nContent-Length: 0\r\n\r\n', /a bare CR in the value of header 'x'/],
    ['a bare CR in the reason', 'HTTP/1.1 200 O\rK\r\nContent-Length: 0\r\n\r\n', /a bare CR in the reason phrase/],
    ['a bare LF ending a line', 'HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n', /bare LF/],
    ['an invalid character in a name', 'HTTP/1.1 200 OK\r\nX(y): 1\r\n\r\n', /'\(' in the header name 'X'/],
    ['a NUL in a value', 'HTTP/1.1 200 OK\r\nX: a\x00b\r\n\r\n', /a NUL byte in the value of header 'x'/],
    ['another HTTP version', 'HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n', /does not start with HTTP\/1.1 or HTTP\/1.0 \(got 'HTTP\/2.0 200 OK'\)/],
    ['something that is not HTTP', 'SSH-2.0-OpenSSH_9.6\r\n\r\n', /does not start with HTTP\/1.1/],
    ['a status code of two digits', 'HTTP/1.1 20 OK\r\n\r\n', /status code '20 OK' is not three digits/],
    ['a status code of four digits', 'HTTP/1.1 2000 OK\r\n\r\n', /'0' after the status code/],
    ['101 without an upgrade asked for', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n', /101 Switching Protocols, but no protocol upgrade/],
    ['too many interim responses', 'HTTP/1.1 100 Continue\r\n\r\n'.repeat(17), /more than 16 interim \(1xx\) responses/],
    ['a body cut off by the server closing', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', /closed in the middle of a response \(after 3 of its 10 body bytes\)/],
    ['a chunked body cut off', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel', /closed in the middle of a response \(in its chunked body, after 5 bytes\)/],
    ['a head cut off', 'HTTP/1.1 200 OK\r\nContent-Le', /closed in the middle of a response \(in its head\)/],
  ];
  it.each(cases)('%s', (_rule, response, message) => {
    const error = responseRejection(response);
    expect(error).toBeInstanceOf(HttpParseError);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
  });

  it('refuses bytes that arrive while no request waits for a response (after the last one, or before any)', () => {
    expect(responseRejection(LENGTH + 'HTTP/1.1 200 OK\r\n\r\n').message).toMatch(/sent bytes while no request was waiting/);
    expect(responseRejection(LENGTH, []).message).toMatch(/sent bytes while no request was waiting/);
  });

  it('refuses a peer that does not speak HTTP/1 at its first bytes, without waiting for a line end', () => {
    expect(parseResponseChunks([bytes('SS')], ['GET'], {}, false).error?.message).toBe("the response does not start with HTTP/1.1 or HTTP/1.0 (got 'SS')");
    expect(parseResponseChunks([bytes('HTTP/')], ['GET'], {}, false).error).toBeUndefined();
  });

  it('refuses to expect a response to CONNECT (a tunnel, which this client does not make)', () => {
    expect(() => new ResponseParser().expect('CONNECT')).toThrow(/CONNECT \(a tunnel\) is not supported/);
  });

  it('refuses a transfer coding it does not decode with 501', () => {
    expect(responseRejection('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n').status).toBe(501);
  });
});

describe('ResponseParser: limits', () => {
  it('refuses a head over maxHeaderSize with 431, even before the head ends', () => {
    const big = `HTTP/1.1 200 OK\r\nX: ${'a'.repeat(17 * 1024)}`;
    const { error } = parseResponseChunks([bytes(big)], ['GET'], {}, false);
    expect([error?.status, error?.message]).toEqual([431, 'the head is larger than maxHeaderSize (16384 bytes)']);
    expect(responseRejection(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(200)}\r\nContent-Length: 0\r\n\r\n`, ['GET'], { maxHeaderSize: 100 }).status).toBe(431);
  });

  it('refuses more than maxHeaders fields with 431', () => {
    const many = `HTTP/1.1 200 OK\r\n${'X: 1\r\n'.repeat(10)}Content-Length: 0\r\n\r\n`;
    expect(parseResponses(many, ['GET'], { maxHeaders: 11 }).error).toBeUndefined();
    expect(responseRejection(many, ['GET'], { maxHeaders: 10 }).message).toBe('more than 10 header fields (maxHeaders)');
  });

  it('refuses a body over maxBodySize with 413 in every framing: at once by Content-Length, by chunk sizes, by bytes until close', () => {
    const limits = { maxBodySize: 10 };
    expect(parseResponses('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789', ['GET'], limits).error).toBeUndefined();
    const byLength = parseResponseChunks([bytes('HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n')], ['GET'], limits, false).error;
    expect([byLength?.status, byLength?.message]).toEqual([413, 'Content-Length 11 is larger than maxBodySize (10 bytes)']);
    const chunked = parseResponseChunks([bytes('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n6\r\n')], ['GET'], limits, false).error;
    expect([chunked?.status, chunked?.message]).toEqual([413, 'the chunked body is larger than maxBodySize (10 bytes)']);
    expect(parseResponses('HTTP/1.1 200 OK\r\n\r\n0123456789', ['GET'], limits).error).toBeUndefined();
    const untilClose = parseResponseChunks([bytes('HTTP/1.1 200 OK\r\n\r\n012345'), bytes('6789a')], ['GET'], limits, false).error;
    expect([untilClose?.status, untilClose?.message]).toEqual([413, 'the body is larger than maxBodySize (10 bytes)']);
  });
});
