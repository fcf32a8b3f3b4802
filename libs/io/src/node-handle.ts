/**
 * The one place io reaches into a Node socket's undocumented `_handle` (its libuv stream
 * wrap; the same since Node 0.x): to ask a peer's address without changing the socket's
 * shape (peer.ts), and to move an accepted connection into a socket that reads through
 * `onread` (onread.ts). Each use checks for what it needs and falls back to public API.
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

/** The undocumented field, typed. */
interface WithHandle {
  _handle?: unknown;
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
