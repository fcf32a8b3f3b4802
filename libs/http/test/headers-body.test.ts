// HttpHeaders and HttpBody on their own: the shared types of the server and the client.
import { run, type Operation } from '@curio/kernel';
import { HttpBody, HttpError, HttpHeaders, type BodySource } from '../src/index.js';
import { headerList } from '../src/headers.js';

/** A body held in memory, piece by piece, with trailers at its end. */
class Pieces implements BodySource {
  trailers = HttpHeaders.EMPTY;
  reads = 0;
  constructor(private readonly pieces: string[], private readonly ending: HttpHeaders = HttpHeaders.EMPTY) {}
  *readBody(): Operation<Uint8Array | null> {
    this.reads++;
    const next = this.pieces.shift();
    if (next === undefined) {
      this.trailers = this.ending;
      return null;
    }
    return Buffer.from(next);
  }
}

describe('HttpHeaders', () => {
  const headers = new HttpHeaders([['content-type', 'text/plain'], ['set-cookie', 'a=1'], ['x-n', '1'], ['set-cookie', 'b=2'], ['x-n', '2']]);
  it('looks names up case-insensitively, joining repeated values with ", "', () => {
    expect([headers.get('Content-Type'), headers.get('X-N'), headers.get('missing')]).toEqual(['text/plain', '1, 2', undefined]);
    expect(headers.getAll('SET-COOKIE')).toEqual(['a=1', 'b=2']);
    expect([headers.has('x-n'), headers.has('X-Missing'), headers.size]).toEqual([true, false, 5]);
    expect([...headers].map(([name]) => name)).toEqual(['content-type', 'set-cookie', 'x-n', 'set-cookie', 'x-n']);
  });

  it('flattens headers to send from an object or a list, and names what is not a header', () => {
    expect(headerList({ 'content-type': 'text/plain', 'x-count': 3, 'set-cookie': ['a=1', 'b=2'] }, 'send()'))
      .toEqual([['content-type', 'text/plain'], ['x-count', '3'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2']]);
    expect(headerList([['A', '1']], 'send()')).toEqual([['A', '1']]);
    expect(() => headerList({ x: {} as unknown as string }, 'send()')).toThrow("send(): the value of header 'x' must be a string, a finite number or a list of strings, got an object");
    expect(() => headerList([['a']] as unknown as [string, string][], 'start()')).toThrow('start(): each header must be a [name, value] pair of strings, got ["a"]');
  });
});

describe('HttpBody', () => {
  it('reads piece by piece, then gives the end and the trailers, and reads no more of its source', () => {
    const source = new Pieces(['ab', 'c'], new HttpHeaders([['x-sum', '3']]));
    const body = new HttpBody(source, undefined, 100);
    const got = run(function* () {
      const pieces: (string | null)[] = [];
      for (let i = 0; i < 4; i++) {
        const piece = yield* body.read();
        pieces.push(piece === null ? null : Buffer.from(piece).toString());
      }
      return pieces;
    });
    return got.then((pieces) => {
      expect(pieces).toEqual(['ab', 'c', null, null]);
      expect([body.done, body.trailers.get('x-sum'), source.reads]).toEqual([true, '3', 3]);
    });
  });

  it('collects text and JSON up to a limit, refusing a larger body with 413 and bad JSON with 400', async () => {
    await expect(run(() => new HttpBody(new Pieces(['{"a":', '1}']), undefined, 100).json())).resolves.toEqual({ a: 1 });
    await expect(run(() => new HttpBody(new Pieces(['héllo']), undefined, 100).text())).resolves.toBe('héllo');
    const over = run(() => new HttpBody(new Pieces(['12345', '6']), undefined, 5).readAll());
    await expect(over).rejects.toEqual(new HttpError(413, 'the body is larger than that, over the limit of 5 bytes'));
    // A Content-Length over the limit is refused before anything is read.
    const source = new Pieces(['123456']);
    await expect(run(() => new HttpBody(source, 6, 100).readAll(5))).rejects.toThrow('the body is 6 bytes, over the limit of 5 bytes');
    expect(source.reads).toBe(0);
    await expect(run(() => new HttpBody(new Pieces(['{']), undefined, 100).json())).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^the body is not valid JSON: /) });
  });

  it('gives the end once cut off from its connection', async () => {
    const source = new Pieces(['abc']);
    const body = new HttpBody(source, undefined, 100);
    body._detach();
    await expect(run(() => body.read())).resolves.toBeNull();
    expect(source.reads).toBe(0);
  });
});

describe('HttpError', () => {
  it('carries a status from 400 to 599', () => {
    expect(new HttpError(404, 'gone')).toMatchObject({ status: 404, message: 'gone', name: 'HttpError' });
    expect(() => new HttpError(200, 'fine')).toThrow('HttpError: status must be an integer from 400 to 599, got 200');
  });
});
