/**
 * Argument checks shared by the modules of this package.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import { describeValue } from '@curio/kernel';

/** Checks an ALPN protocol list: non-empty strings of at most 255 bytes. */
export function checkAlpn(where: string, protocols: unknown): string[] {
  if (!Array.isArray(protocols) || protocols.some((p) => typeof p !== 'string' || p === '' || Buffer.byteLength(p) > 255)) {
    throw new TypeError(`${where}: expected an array of protocol names (non-empty strings of at most 255 bytes), got ${describeValue(protocols)}`);
  }
  return [...protocols] as string[];
}
