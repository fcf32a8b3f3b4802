/**
 * `@curio/http`: HTTP/1.1 for Curio: `serveHttp`, a streaming server; `request()` and
 * `HttpClient`, a client with a keep-alive pool per origin; `fetchHandler`, for web-standard
 * `(Request) => Response` handlers; all on strict sans-I/O parsers and serializers (RFC 9112).
 * @packageDocumentation
 */
export { HttpError, HttpParseError, type HttpParseErrorStatus } from './errors.js';
export { HttpHeaders, type OutgoingHeaders } from './headers.js';
export { HttpBody, type BodySource } from './body.js';
export { serveHttp } from './server/serve.js';
export { HttpServerStats } from './server/stats.js';
export type { HttpRequest, HttpResponse, HttpHandler, ServeHttpOptions } from './server/types.js';
export {
  RequestParser,
  type ParserLimits,
  type HeaderField,
  type ParserEvent,
  type RequestEvent,
  type DataEvent,
  type EndOfMessageEvent,
} from './parser.js';
export { ResponseWriter, type OutgoingHeader, type ResponseFraming, type ResponseHeadOptions, type RequestLine } from './serializer.js';
export {
  ResponseParser, type ResponseEvent, type InformationalEvent, type ResponseParserEvent,
} from './client/response-parser.js';
export { RequestWriter, type RequestBodyFraming } from './client/request-writer.js';
export { HttpClient, request, type HttpClientOptions, type RequestOptions, type RequestBody, type BodyStream } from './client/client.js';
export { HttpClientResponse } from './client/response.js';
export { HttpClientError } from './client/errors.js';
export { fetchHandler, type FetchFunction } from './fetch-handler.js';
