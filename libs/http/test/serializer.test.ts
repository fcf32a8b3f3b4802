import { ResponseWriter } from '../src/index.js';

const text = (pieces: Uint8Array[]): string => Buffer.concat(pieces).toString('latin1');
const GET_11 = { method: 'GET', version: '1.1' } as const;
const body = Buffer.from('hello');

describe('ResponseWriter', () => {
  it('sends a known length as Content-Length, with the standard reason phrase', () => {
    const w = new ResponseWriter(GET_11);
    const out = text([w.head(200, [['Content-Type', 'text/plain']], { contentLength: 5 }), ...w.data(body), w.end()]);
    expect(out).toBe('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello');
    expect([w.framing, w.mustClose]).toEqual(['length', false]);
  });

  it('sends an unknown length chunked, with trailers, and never sends an empty chunk before the end', () => {
    const w = new ResponseWriter(GET_11);
    const out = text([w.head(200), ...w.data(body), ...w.data(new Uint8Array(0)), ...w.data(Buffer.alloc(16, 'x')), w.end([['X-Sum', '21']])]);
    expect(out).toBe(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\n${'x'.repeat(16)}\r\n0\r\nX-Sum: 21\r\n\r\n`);
  });

  it('returns body bytes as they were given (no copy)', () => {
    const w = new ResponseWriter(GET_11);
    w.head(200, [], { contentLength: 5 });
    expect(w.data(body)[0]).toBe(body);
  });

  it('sends no body for HEAD (but the Content-Length a GET would have), 204 and 304', () => {
    const head = new ResponseWriter({ method: 'HEAD', version: '1.1' });
    expect(text([head.head(200, [], { contentLength: 5 }), ...head.data(body), head.end()])).toBe('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n');
    const headChunked = new ResponseWriter({ method: 'HEAD', version: '1.1' });
    expect(text([headChunked.head(200), ...headChunked.data(body), headChunked.end()])).toBe('HTTP/1.1 200 OK\r\n\r\n');
    for (const status of [204, 304]) {
      const w = new ResponseWriter(GET_11);
      expect(text([w.head(status, [], { contentLength: 5 }), w.end()])).toBe(`HTTP/1.1 ${status} ${status === 204 ? 'No Content' : 'Not Modified'}\r\n\r\n`);
      const again = new ResponseWriter(GET_11);
      again.head(status);
      expect(() => again.data(body)).toThrow(/has no body/);
    }
  });

  it('delimits an unknown length by closing for an HTTP/1.0 client', () => {
    const w = new ResponseWriter({ method: 'GET', version: '1.0' });
    expect(text([w.head(200), ...w.data(body), w.end()])).toBe('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello');
    expect([w.framing, w.mustClose]).toEqual(['close', true]);
  });

  it('adds Connection: close when asked, and notices one among the headers', () => {
    const asked = new ResponseWriter(GET_11);
    expect(text([asked.head(200, [], { contentLength: 0, close: true })])).toBe('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    const given = new ResponseWriter(GET_11);
    expect(text([given.head(200, [['Connection', 'close']], { contentLength: 0 })])).toBe('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    expect(given.mustClose).toBe(true);
  });

  it('keeps an HTTP/1.0 client that asked for keep-alive, telling it so, and closes after one that did not', () => {
    const kept = new ResponseWriter({ method: 'GET', version: '1.0', keepAlive: true });
    expect(text([kept.head(200, [], { contentLength: 5 })])).toBe('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\n');
    expect(kept.mustClose).toBe(false);
    const closed = new ResponseWriter({ method: 'GET', version: '1.0', keepAlive: false });
    expect(text([closed.head(200, [], { contentLength: 5 })])).toBe('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\n');
    expect(closed.mustClose).toBe(true);
  });

  it('sends the date it is given, unless the headers carry one', () => {
    const dated = new ResponseWriter(GET_11);
    expect(text([dated.head(204, [], { date: 'Sun, 06 Nov 1994 08:49:37 GMT' })])).toBe('HTTP/1.1 204 No Content\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n');
    const own = new ResponseWriter(GET_11);
    expect(text([own.head(204, [['Date', 'Mon, 07 Nov 1994 08:49:37 GMT']], { date: 'Sun, 06 Nov 1994 08:49:37 GMT' })])).toBe('HTTP/1.1 204 No Content\r\nDate: Mon, 07 Nov 1994 08:49:37 GMT\r\n\r\n');
  });

  it('sends 100 Continue and other 1xx before the final head', () => {
    const w = new ResponseWriter(GET_11);
    expect(text([w.informational(100)])).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    w.head(200, [], { contentLength: 0 });
    expect(() => w.informational(100)).toThrow(/after head/);
  });

  it('refuses header names and values that could split the response', () => {
    const w = () => new ResponseWriter(GET_11);
    expect(() => w().head(200, [['X-A', 'a\r\nSet-Cookie: evil']])).toThrow(/invalid value for header 'X-A'/);
    expect(() => w().head(200, [['X-A', 'a\nb']])).toThrow(/invalid value/);
    expect(() => w().head(200, [['X A', 'b']])).toThrow(/invalid header name "X A"/);
    expect(() => w().head(200, [['X', '\u2603']])).toThrow(/above U\+00FF/);
    expect(() => w().head(200, [], { reason: 'OK\r\nX: y' })).toThrow(/invalid reason phrase/);
    expect(() => w().head(200, [['Content-Length', '5']])).toThrow(/contentLength option/);
    const chunked = w();
    chunked.head(200);
    expect(() => chunked.end([['Content-Length', '1']])).toThrow(/may not be a trailer/);
  });

  it('holds the body to its Content-Length', () => {
    const long = new ResponseWriter(GET_11);
    long.head(200, [], { contentLength: 3 });
    expect(() => long.data(body)).toThrow(/longer than its Content-Length \(3 bytes\)/);
    const short = new ResponseWriter(GET_11);
    short.head(200, [], { contentLength: 10 });
    short.data(body);
    expect(() => short.end()).toThrow(/ended after 5 of its 10 bytes/);
  });

  it('checks the order of calls and the status', () => {
    const w = new ResponseWriter(GET_11);
    expect(() => w.data(body)).toThrow(/before head/);
    expect(() => w.head(99)).toThrow(/200 to 999/);
    expect(() => w.head(200, [], { contentLength: -1 })).toThrow(/non-negative integer/);
    w.head(200, [], { contentLength: 0 });
    expect(() => w.head(200)).toThrow(/twice/);
    w.end();
    expect(() => w.end()).toThrow(/twice/);
    const withLength = new ResponseWriter(GET_11);
    withLength.head(200, [], { contentLength: 0 });
    expect(() => withLength.end([['X', '1']])).toThrow(/trailers need a chunked body/);
  });
});
