/**
 * The one place io reaches into a Node socket's undocumented `_handle` (its libuv stream
 * wrap; the same since Node 0.x) and `_server` (the `net.Server` that counts it as a
 * connection): to ask a peer's address without changing the socket's shape (peer.ts),
 * and to move an accepted connection into a socket that reads through `onread`
 * (onread.ts). Each use checks for what it needs and falls back to public API.
 * @packageDocumentation
 * @internal
 */
import type net from 'node:net';

/** What Node's stream handles fill in for `getpeername`: `{ address, port, family }`. */
export interface PeerName {
  address?: string;
  port?: number;
  family?: string;
}

/** @internal The parts of Node's TCP/pipe handle io uses (each may be missing). */
export interface NodeHandle {
  getpeername?: (out: PeerName) => number;
  readStart?: () => number;
}

/** The undocumented fields, typed. */
interface WithHandle {
  _handle?: unknown;
  /** Set on accepted connections; destroying the socket takes one off the server's count. */
  _server?: unknown;
  /** The same server, documented as `socket.server` in older Nodes. */
  server?: unknown;
}

/** @internal The socket's handle, or null (not connected, closed, or a Node without `_handle`). */
export function handleOf(raw: net.Socket): NodeHandle | null {
  const handle = (raw as unknown as WithHandle)._handle;
  return typeof handle === 'object' && handle !== null ? (handle as NodeHandle) : null;
}

/** @internal Takes the handle away from `raw`: its later `destroy()` closes nothing. */
export function releaseHandle(raw: net.Socket): void {
  (raw as unknown as WithHandle)._handle = null;
}

/**
 * @internal Makes `to` the socket the server counts instead of `from`, an accepted
 * connection whose handle `to` took: the server's connection count (`getConnections`,
 * `close()` waiting for connections) then goes down when `to` is destroyed, and `from`
 * can be destroyed and let go at once. Returns false, moving nothing, if `from` has no
 * `_server`.
 */
export function moveServerCount(from: net.Socket, to: net.Socket): boolean {
  const source = from as unknown as WithHandle;
  const server = source._server;
  if (typeof server !== 'object' || server === null) return false;
  const target = to as unknown as WithHandle;
  target._server = server;
  target.server = source.server;
  source._server = null;
  return true;
}
