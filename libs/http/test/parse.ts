// Test helpers: run the parser over bytes and collect whole requests, or the error it raised.
import { HttpParseError, RequestParser, type HeaderField, type ParserLimits, type RequestEvent } from '../src/index.js';

export interface ParsedRequest {
  head: RequestEvent;
  body: string;
  trailers: HeaderField[];
}

export interface ParseOutcome {
  requests: ParsedRequest[];
  error: HttpParseError | undefined;
}

export const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

/** Feeds `chunks` in order (then EOF when `eof`), collecting the requests completed and the error, if any. */
export function parseChunks(chunks: Uint8Array[], limits: ParserLimits = {}, eof = true): ParseOutcome {
  const parser = new RequestParser(limits);
  const requests: ParsedRequest[] = [];
  let current: { head: RequestEvent; body: Buffer[] } | undefined;
  const drain = (): void => {
    for (let event = parser.next(); event !== null; event = parser.next()) {
      if (event.type === 'request') current = { head: event, body: [] };
      else if (event.type === 'data') current!.body.push(Buffer.from(event.data));
      else {
        requests.push({ head: current!.head, body: Buffer.concat(current!.body).toString('latin1'), trailers: event.trailers });
        current = undefined;
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
    return { requests, error: undefined };
  } catch (e) {
    if (e instanceof HttpParseError) return { requests, error: e };
    throw e;
  }
}

export function parse(text: string, limits: ParserLimits = {}): ParseOutcome {
  return parseChunks([bytes(text)], limits);
}

/** The error `text` raises (failing the test if it parses). */
export function rejection(text: string, limits: ParserLimits = {}): HttpParseError {
  const { error } = parse(text, limits);
  if (error === undefined) throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
  return error;
}
