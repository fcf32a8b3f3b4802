/**
 * What the HTTP benchmark's servers all answer, as the example server
 * (`examples/dist/http-server.js`) does: `GET /` says hello, `POST /echo` sends the
 * request body back with the request's Content-Type; anything else is a 404.
 * @packageDocumentation
 */

/** The body of `GET /`. */
export const HELLO = 'Hello, world!\n';

/** The path of the echo route. */
export const ECHO_PATH = '/echo';

/** The Content-Type of an echo answer when the request named none. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
