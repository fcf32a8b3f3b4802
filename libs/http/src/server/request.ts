/**
 * {@link ServerRequest}: the request a handler is given.
 * @packageDocumentation
 * @internal
 */
import type { HttpBody } from '../body.js';
import { HttpError } from '../errors.js';
import { HttpHeaders } from '../headers.js';
import type { RequestEvent } from '../parser.js';
import type { HttpRequest } from './types.js';

/** @internal An {@link HttpRequest} over a parsed head; `path` and `query` are worked out when first asked for. */
export class ServerRequest implements HttpRequest {
  readonly method: string;
  readonly target: string;
  readonly httpVersion: '1.0' | '1.1';
  readonly headers: HttpHeaders;
  readonly body: HttpBody;
  readonly remoteAddress: { readonly host: string; readonly port: number };
  readonly secure: boolean;
  private parsedPath: string | undefined;
  private parsedQuery: URLSearchParams | undefined;

  constructor(head: RequestEvent, body: HttpBody, remoteAddress: { readonly host: string; readonly port: number }, secure: boolean) {
    this.method = head.method;
    this.target = head.target;
    this.httpVersion = head.version;
    this.headers = new HttpHeaders(head.headers);
    this.body = body;
    this.remoteAddress = remoteAddress;
    this.secure = secure;
  }

  get path(): string {
    if (this.parsedPath === undefined) this.split();
    return this.parsedPath!;
  }

  get query(): URLSearchParams {
    if (this.parsedQuery === undefined) this.split();
    return this.parsedQuery!;
  }

  get trailers(): HttpHeaders {
    return this.body.trailers;
  }

  /** Splits the target: origin-form `/p?q` directly; an absolute URL through `URL`; `*` and an authority are their own path. */
  private split(): void {
    const target = this.target;
    let pathAndQuery = target;
    if (target.charCodeAt(0) !== 0x2f) {
      if (target === '*' || this.method === 'CONNECT') {
        this.parsedPath = target;
        this.parsedQuery = new URLSearchParams();
        return;
      }
      // The parser checked only the scheme of an absolute-form target: the rest is the client's to get right.
      if (!URL.canParse(target)) throw new HttpError(400, `the request target ${JSON.stringify(target)} is not a valid URL`);
      const url = new URL(target);
      pathAndQuery = url.pathname + url.search;
    }
    const q = pathAndQuery.indexOf('?');
    this.parsedPath = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
    this.parsedQuery = new URLSearchParams(q < 0 ? '' : pathAndQuery.slice(q + 1));
  }
}
