/**
 * Argument checks shared by the modules of this package.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';

/** A short description of a bad value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return `${typeof value} ${String(value)}`;
}

/** Checks an ALPN protocol list: non-empty strings of at most 255 bytes. */
export function checkAlpn(where: string, protocols: unknown): string[] {
  if (!Array.isArray(protocols) || protocols.some((p) => typeof p !== 'string' || p === '' || Buffer.byteLength(p) > 255)) {
    throw new TypeError(`${where}: expected an array of protocol names (non-empty strings of at most 255 bytes), got ${describe(protocols)}`);
  }
  return [...protocols] as string[];
}
