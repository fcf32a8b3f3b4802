/**
 * Where a connected Node socket's peer is, asked without changing the socket's shape.
 *
 * `socket.remoteAddress` (and `remotePort`, `remoteFamily`) caches Node's answer in a
 * `_peername` property it adds to the socket on first use. Sockets of that second shape
 * push call sites inside Node's own stream code past the few shapes V8 keeps fast
 * (they go megamorphic), and every read and write afterwards pays for it: measured with
 * callgrind on the echo server at 1,000 connections, about 1,000 more instructions per
 * round trip (some 4% of its CPU). So the address is asked of the socket's handle, as
 * Node itself does, and the public getters are only the fallback.
 * @packageDocumentation
 */
import type net from 'node:net';
import { handleOf, type PeerName } from './node-handle.js';

/**
 * The peer of a connected socket as Node reports it (`address`, `port`, `family`
 * `'IPv4'`/`'IPv6'`), or empty fields for a Unix socket or a socket not connected.
 * Leaves the socket's properties as they were.
 */
export function peerNameOf(raw: net.Socket): PeerName {
  const handle = handleOf(raw);
  if (handle !== null && typeof handle.getpeername === 'function') {
    const out: PeerName = {};
    if (handle.getpeername(out) === 0) return out;
  }
  return { address: raw.remoteAddress, port: raw.remotePort, family: raw.remoteFamily };
}
