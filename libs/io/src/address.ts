/**
 * Socket addresses as Curio writes them: `[host, port]` for IPv4 and IPv6 (host `''`
 * means every interface), a path string for Unix sockets. Checking and formatting.
 * @packageDocumentation
 */
import { isIP } from 'node:net';
import { describeValue } from '@curio/kernel';
import { AF_INET, AF_INET6, AF_UNIX, type AddressFamily } from './constants.js';

/**
 * An IPv4 or IPv6 address: `[host, port]`.
 * @example
 * ```ts
 * const address: InetAddress = ['127.0.0.1', 25000];
 * yield* sock.connect(address);
 * ```
 */
export type InetAddress = [host: string, port: number];

/**
 * A socket address: `[host, port]` for IPv4/IPv6, a filesystem path for Unix sockets.
 * @example
 * ```ts
 * function* echoClient(client: Socket, addr: SocketAddress) {
 *   console.log('Connection from', addr);   // ['127.0.0.1', 53422], or a path for a Unix socket
 * }
 * ```
 */
export type SocketAddress = InetAddress | string;

/** A checked address, ready for Node. */
export type ResolvedAddress = { kind: 'inet'; host: string; port: number } | { kind: 'unix'; path: string };

function familyName(family: AddressFamily): string {
  return family === AF_INET ? 'AF_INET' : family === AF_INET6 ? 'AF_INET6' : 'AF_UNIX';
}

/**
 * Checks `address` for `family` and returns it in Node's terms. `host ''` becomes the
 * wildcard address for a bind and the loopback address for a connect.
 * @throws TypeError naming the operation and what was wrong.
 */
export function checkAddress(operation: string, family: AddressFamily, address: unknown, purpose: 'bind' | 'connect'): ResolvedAddress {
  if (family === AF_UNIX) {
    if (typeof address !== 'string' || address.length === 0) {
      throw new TypeError(`${operation}(): an AF_UNIX address is a non-empty path string, got ${describeValue(address)}`);
    }
    return { kind: 'unix', path: address };
  }
  if (!Array.isArray(address) || address.length !== 2 || typeof address[0] !== 'string') {
    throw new TypeError(`${operation}(): an ${familyName(family)} address is a [host, port] tuple, got ${describeValue(address)}`);
  }
  const host = address[0];
  const port: unknown = address[1];
  checkPort(operation, port);
  if (host === '') {
    const wildcard = family === AF_INET ? (purpose === 'bind' ? '0.0.0.0' : '127.0.0.1') : purpose === 'bind' ? '::' : '::1';
    return { kind: 'inet', host: wildcard, port };
  }
  const ipVersion = isIP(host);
  if (ipVersion !== 0 && ipVersion !== (family === AF_INET ? 4 : 6)) {
    throw new TypeError(`${operation}(): ${host} is an IPv${ipVersion} address, but the socket is ${familyName(family)}`);
  }
  return { kind: 'inet', host, port };
}

/** Throws a clear error unless `port` is an integer in 0..65535. */
export function checkPort(operation: string, port: unknown): asserts port is number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`${operation}(): a port is an integer from 0 to 65535, got ${describeValue(port)}`);
  }
}

/** `127.0.0.1:80`, `[::1]:80` or the path, for messages. */
export function formatAddress(address: SocketAddress | ResolvedAddress | null | undefined): string {
  if (address === null || address === undefined) return '';
  if (typeof address === 'string') return address;
  if (Array.isArray(address)) return formatInet(address[0], address[1]);
  return address.kind === 'unix' ? address.path : formatInet(address.host, address.port);
}

function formatInet(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The `[host, port]` of an address Node reported (`socket.remoteAddress`, ...). */
export function inetAddress(host: string | undefined, port: number | undefined): InetAddress {
  return [host ?? '', port ?? 0];
}

/** The name of an address family, for messages. */
export { familyName };
