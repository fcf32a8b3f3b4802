/**
 * Where a request goes: its URL read into the origin to connect to and the target to send.
 * @internal
 * @packageDocumentation
 */
import { describeValue } from '@curio/kernel';

/** A request URL, read. @internal */
export interface Target {
  /** The URL as given (for error messages). */
  readonly href: string;
  readonly secure: boolean;
  /** The host to connect to: a name or an address, IPv6 without its brackets. */
  readonly host: string;
  readonly port: number;
  /** The Host header: host and, when it is not the scheme's default, port (RFC 9110 §7.2). */
  readonly authority: string;
  /** The request-target in origin-form: path and query, percent-encoded (RFC 9112 §3.2.1). */
  readonly path: string;
  /** `scheme://host:port`: connections are pooled by it. */
  readonly origin: string;
}

/** Reads `url` (an absolute http: or https: URL), naming what is wrong with it. @internal */
export function parseTarget(url: string | URL, where: string): Target {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    throw new TypeError(`${where}: ${JSON.stringify(url)} is not an absolute URL`);
  }
  if (!(parsed instanceof URL)) throw new TypeError(`${where}: the URL must be a string or a URL, got ${describeValue(url)}`);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`${where}: only http: and https: URLs are supported, got ${parsed.protocol}`);
  if (parsed.username !== '' || parsed.password !== '') throw new TypeError(`${where}: credentials in the URL are not sent; pass an Authorization header`);
  const secure = parsed.protocol === 'https:';
  const port = parsed.port === '' ? (secure ? 443 : 80) : Number(parsed.port);
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  return {
    href: parsed.href,
    secure,
    host,
    port,
    authority: parsed.host,
    path: `${parsed.pathname}${parsed.search}`,
    origin: `${parsed.protocol}//${parsed.hostname}:${port}`,
  };
}
