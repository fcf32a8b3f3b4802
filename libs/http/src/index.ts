/**
 * `@curio/http`: HTTP/1.1 for Curio. Today: a strict sans-I/O request parser and a response
 * serializer (RFC 9112) that the coming `serveHttp` server and client are built on.
 * @packageDocumentation
 */
export { HttpParseError, type HttpParseErrorStatus } from './errors.js';
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
