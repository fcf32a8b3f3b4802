/**
 * Name resolution (Python's `socket.getaddrinfo`, `gethostbyname`, `getnameinfo`) over
 * `node:dns`, as operations. Node's resolver runs in its thread pool: cancelling a
 * lookup stops the task waiting for it, and the finished lookup is then ignored.
 * @packageDocumentation
 */
import dns from 'node:dns';
import { isIP } from 'node:net';
import { CurioError, call, type Operation, describeValue } from '@curio/kernel';
import { AF_INET, AF_INET6, IPPROTO_TCP, IPPROTO_UDP, SOCK_DGRAM, SOCK_STREAM, type SocketKind } from './constants.js';
import { checkPort, type InetAddress } from './address.js';
import { ioError } from './io-error.js';

/**
 * One result of {@link getaddrinfo}, as in Python:
 * `[family, type, proto, canonname, sockaddr]`.
 * @example
 * ```ts
 * const infos: AddrInfo[] = yield* getaddrinfo('localhost', 80);
 * for (const [family, , , , [host, port]] of infos) console.log(family, host, port);
 * ```
 */
export type AddrInfo = [family: typeof AF_INET | typeof AF_INET6, type: SocketKind, proto: number, canonname: string, sockaddr: InetAddress];

/**
 * Options of {@link getaddrinfo}.
 * @example
 * ```ts
 * const options: GetAddrInfoOptions = { family: AF_INET6, type: SOCK_STREAM };
 * const infos = yield* getaddrinfo('localhost', 443, options);
 * ```
 */
export interface GetAddrInfoOptions {
  /** Only this family: {@link AF_INET} or {@link AF_INET6} (default 0: both). */
  family?: typeof AF_INET | typeof AF_INET6 | 0;
  /** Only this socket type: {@link SOCK_STREAM} or {@link SOCK_DGRAM} (default 0: both). */
  type?: SocketKind | 0;
}

/**
 * Resolves `host` (a name or an address; null means the loopback address) and returns
 * one {@link AddrInfo} per address and socket type, in the resolver's order.
 * @param port a number, a numeric string, or null for 0.
 * @throws IOError with the resolver's code (`ENOTFOUND`, `EAI_AGAIN`, ...).
 *
 * @example
 * ```ts
 * for (const [family, type, proto, , sockaddr] of yield* getaddrinfo('localhost', 80)) console.log(family, type, proto, sockaddr);
 * ```
 */
export function* getaddrinfo(host: string | null, port: number | string | null, options: GetAddrInfoOptions = {}): Operation<AddrInfo[]> {
  const p = portNumber('getaddrinfo', port);
  const family = options.family ?? 0;
  if (family !== 0 && family !== AF_INET && family !== AF_INET6) throw new TypeError(`getaddrinfo(): family must be 0, AF_INET or AF_INET6, got ${describeValue(family)}`);
  const type = options.type ?? 0;
  if (type !== 0 && type !== SOCK_STREAM && type !== SOCK_DGRAM) throw new TypeError(`getaddrinfo(): type must be 0, SOCK_STREAM or SOCK_DGRAM, got ${describeValue(type)}`);
  if (host !== null && (typeof host !== 'string' || host === '')) throw new TypeError(`getaddrinfo(): host must be a non-empty string or null, got ${describeValue(host)}`);
  const name = host ?? (family === AF_INET6 ? '::1' : '127.0.0.1');
  const nodeFamily = family === AF_INET ? 4 : family === AF_INET6 ? 6 : 0;
  let found: dns.LookupAddress[];
  try {
    found = yield* call(() => dns.promises.lookup(name, { all: true, family: nodeFamily }));
  } catch (error) {
    // Cancellation and timeouts pass through; resolver errors get the host named.
    if (error instanceof CurioError) throw error;
    throw ioError('getaddrinfo()', `for ${JSON.stringify(name)}`, error);
  }
  const types: SocketKind[] = type === 0 ? [SOCK_STREAM, SOCK_DGRAM] : [type];
  const out: AddrInfo[] = [];
  for (const a of found) {
    const fam = a.family === 6 ? AF_INET6 : AF_INET;
    // Node answers an IP literal as it is, whatever family was asked for.
    if (family !== 0 && fam !== family) continue;
    for (const t of types) out.push([fam, t, t === SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP, '', [a.address, p]]);
  }
  if (out.length === 0) {
    throw ioError('getaddrinfo()', `for ${JSON.stringify(name)}`, Object.assign(new Error(`no ${family === AF_INET6 ? 'IPv6' : 'IPv4'} address`), { code: 'ENOTFOUND' }));
  }
  return out;
}

/**
 * The first IPv4 address of `host` (an IPv4 literal is returned as it is).
 * @example
 * ```ts
 * const ip = yield* gethostbyname('localhost');   // '127.0.0.1'
 * ```
 */
export function* gethostbyname(host: string): Operation<string> {
  if (typeof host !== 'string' || host === '') throw new TypeError(`gethostbyname(): host must be a non-empty string, got ${describeValue(host)}`);
  const [first] = yield* getaddrinfo(host, 0, { family: AF_INET, type: SOCK_STREAM });
  return first[4][0];
}

/**
 * The host name and service name of an address: `[host, service]` (reverse lookup
 * through the system resolver, e.g. `/etc/hosts` and `/etc/services`).
 * @throws TypeError unless `sockaddr` is `[ip, port]` with an IP address literal.
 * @example
 * ```ts
 * const [host, service] = yield* getnameinfo(['127.0.0.1', 22]);   // ['localhost', 'ssh']
 * ```
 */
export function* getnameinfo(sockaddr: InetAddress): Operation<[host: string, service: string]> {
  if (!Array.isArray(sockaddr) || typeof sockaddr[0] !== 'string' || isIP(sockaddr[0]) === 0) {
    throw new TypeError(`getnameinfo(): expected an [ip, port] tuple with an IP address, got ${describeValue(sockaddr)}`);
  }
  checkPort('getnameinfo', sockaddr[1]);
  const [ip, port] = sockaddr;
  try {
    const r = yield* call(() => dns.promises.lookupService(ip, port));
    return [r.hostname, r.service];
  } catch (error) {
    if (error instanceof CurioError) throw error;
    throw ioError('getnameinfo()', `for ${ip}:${port}`, error);
  }
}

function portNumber(operation: string, port: number | string | null): number {
  if (port === null) return 0;
  const p = typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : port;
  if (typeof p === 'string') throw new TypeError(`${operation}(): port must be a number or a numeric string (service names are not supported), got ${describeValue(port)}`);
  checkPort(operation, p);
  return p;
}
