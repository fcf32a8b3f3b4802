/**
 * The `Date` field value of responses, made once a second rather than per response.
 * @packageDocumentation
 * @internal
 */

let second = -1;
let value = '';

/** @internal Now as an IMF-fixdate (RFC 9110 §5.6.7): `Sun, 06 Nov 1994 08:49:37 GMT`. */
export function httpDate(): string {
  const now = Date.now();
  const s = Math.floor(now / 1000);
  if (s !== second) {
    second = s;
    value = new Date(now).toUTCString();
  }
  return value;
}
