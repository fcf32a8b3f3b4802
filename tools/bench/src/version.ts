/**
 * Installed package versions, for the report.
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The version of an installed package. Reads the package.json next to its resolved
 * entry point, because many packages' `exports` hide `package.json`.
 */
export function packageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve(name);
  const marker = `/node_modules/${name}/`;
  const at = entry.lastIndexOf(marker);
  const dir = at >= 0 ? entry.slice(0, at + marker.length) : entry.slice(0, entry.lastIndexOf('/dist/') + 1);
  return (JSON.parse(readFileSync(`${dir}package.json`, 'utf8')) as { version: string }).version;
}
