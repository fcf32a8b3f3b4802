// Test helpers: run the response parser over bytes and collect whole responses, or the error it raised.
import {
  HttpParseError, ResponseParser, type HeaderField, type InformationalEvent, type ParserLimits, type ResponseEvent, type ResponseParserEvent,
} from '../src/index.js';

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

/** Every event the parser gives for `chunks` fed in order (then EOF when `eof`). */
function* events(parser: ResponseParser, chunks: Uint8Array[], eof: boolean): Generator<ResponseParserEvent> {
  const drain = function* (): Generator<ResponseParserEvent> {
    for (let event = parser.next(); event !== null; event = parser.next()) yield event;
  };
  for (const chunk of chunks) {
    parser.feed(chunk);
    yield* drain();
  }
  if (!eof) return;
  parser.end();
  yield* drain();
}

/** Feeds `chunks` to a parser told of requests with `methods`, collecting the responses completed and the error, if any. */
export function parseResponseChunks(chunks: Uint8Array[], methods: string[] = ['GET'], limits: ParserLimits = {}, eof = true): ResponseOutcome {
  const parser = new ResponseParser(limits);
  for (const method of methods) parser.expect(method);
  const responses: ParsedResponse[] = [];
  let interim: InformationalEvent[] = [];
  let head: ResponseEvent | undefined;
  let body: Buffer[] = [];
  try {
    for (const event of events(parser, chunks, eof)) {
      switch (event.type) {
        case 'informational': interim.push(event); break;
        case 'response': head = event; body = []; break;
        case 'data': body.push(Buffer.from(event.data)); break;
        case 'end':
          responses.push({ interim, head: head!, body: Buffer.concat(body).toString('latin1'), trailers: event.trailers });
          interim = [];
      }
    }
  } catch (e) {
    if (e instanceof HttpParseError) return { responses, error: e };
    throw e;
  }
  return { responses, error: undefined };
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
