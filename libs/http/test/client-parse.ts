// Test helpers: run the response parser over bytes and collect whole responses, or the error it raised.
import { HttpParseError, ResponseParser, type HeaderField, type InformationalEvent, type ParserLimits, type ResponseEvent } from '../src/index.js';

export interface ParsedResponse {
  interim: InformationalEvent[];
  head: ResponseEvent;
  body: string;
  trailers: HeaderField[];
}

export interface ResponseOutcome {
  responses: ParsedResponse[];
  error: HttpParseError | undefined;
}

export const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

/** Feeds `chunks` in order to a parser told of requests with `methods` (then EOF when `eof`), collecting the responses completed and the error, if any. */
export function parseResponseChunks(chunks: Uint8Array[], methods: string[] = ['GET'], limits: ParserLimits = {}, eof = true): ResponseOutcome {
  const parser = new ResponseParser(limits);
  for (const method of methods) parser.expect(method);
  const responses: ParsedResponse[] = [];
  let interim: InformationalEvent[] = [];
  let current: { head: ResponseEvent; body: Buffer[] } | undefined;
  const drain = (): void => {
    for (let event = parser.next(); event !== null; event = parser.next()) {
      if (event.type === 'informational') interim.push(event);
      else if (event.type === 'response') current = { head: event, body: [] };
      else if (event.type === 'data') current!.body.push(Buffer.from(event.data));
      else {
        responses.push({ interim, head: current!.head, body: Buffer.concat(current!.body).toString('latin1'), trailers: event.trailers });
        current = undefined;
        interim = [];
      }
    }
  };
  try {
    for (const chunk of chunks) {
      parser.feed(chunk);
      drain();
    }
    if (eof) {
      parser.end();
      drain();
    }
    return { responses, error: undefined };
  } catch (e) {
    if (e instanceof HttpParseError) return { responses, error: e };
    throw e;
  }
}

export function parseResponses(text: string, methods: string[] = ['GET'], limits: ParserLimits = {}): ResponseOutcome {
  return parseResponseChunks([bytes(text)], methods, limits);
}

/** Every way of cutting `text` in two, and byte by byte, must give what it gives whole. */
export function expectSameAtEverySplit(text: string, methods: string[] = ['GET']): ResponseOutcome {
  const all = bytes(text);
  const whole = parseResponses(text, methods);
  for (let cut = 1; cut < all.length; cut++) {
    const split = parseResponseChunks([all.subarray(0, cut), all.subarray(cut)], methods);
    expect({ cut, ...split }).toEqual({ cut, ...whole });
  }
  expect(parseResponseChunks([...all].map((b) => Uint8Array.of(b)), methods)).toEqual(whole);
  return whole;
}

/** The error `text` raises (failing the test if it parses). */
export function responseRejection(text: string, methods: string[] = ['GET'], limits: ParserLimits = {}): HttpParseError {
  const { error } = parseResponses(text, methods, limits);
  if (error === undefined) throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
  return error;
}
