/**
 * What the baseline echo servers share with the Curio example: the port argument and the
 * line that says the server is ready, with the port it bound.
 * @packageDocumentation
 */
import type { AddressInfo } from 'node:net';

/** The port given as the first argument (required; the benchmarks give 0, so the system picks one). */
export function portArgument(argv: readonly string[]): number {
  const port = argv[0]?.trim() === '' ? Number.NaN : Number(argv[0]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`expected a port number as the first argument, got '${argv[0] ?? ''}'`);
  return port;
}

/** The port a listening `net.Server` (or `tls.Server`) bound. */
export function boundPort(server: { address(): AddressInfo | string | null }): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`expected a TCP server, got address ${JSON.stringify(address)}`);
  return address.port;
}

/** `Server listening at ('', 25000)`: the Curio example's ready line, with the port bound. */
export function listeningLine(port: number): string {
  return `Server listening at ('', ${port})`;
}
