/**
 * The packages whose TSDoc the docs check reads: every export must have an `@example`,
 * and every example must type-check. Add a package here when it lands.
 */
export interface CheckedPackage {
  /** The package name. */
  name: string;
  /** Its entry module, relative to the workspace root. */
  entry: string;
  /** The folder of its sources, relative to the workspace root. */
  sources: string;
}

export const CHECKED_PACKAGES: readonly CheckedPackage[] = [
  { name: '@curio/kernel', entry: 'libs/kernel/src/index.ts', sources: 'libs/kernel/src' },
  { name: '@curio/io', entry: 'libs/io/src/index.ts', sources: 'libs/io/src' },
  { name: '@curio/signals', entry: 'libs/signals/src/index.ts', sources: 'libs/signals/src' },
  { name: '@curio/subprocess', entry: 'libs/subprocess/src/index.ts', sources: 'libs/subprocess/src' },
  { name: '@curio/ssl', entry: 'libs/ssl/src/index.ts', sources: 'libs/ssl/src' },
  { name: '@curio/workers', entry: 'libs/workers/src/index.ts', sources: 'libs/workers/src' },
  { name: '@curio/diagnostics', entry: 'libs/diagnostics/src/index.ts', sources: 'libs/diagnostics/src' },
  { name: '@curio/monitor', entry: 'libs/monitor/src/index.ts', sources: 'libs/monitor/src' },
  { name: '@curio/monitor-web', entry: 'libs/monitor-web/src/index.ts', sources: 'libs/monitor-web/src' },
  { name: '@curio/redis', entry: 'libs/redis/src/index.ts', sources: 'libs/redis/src' },
  { name: '@curio/http', entry: 'libs/http/src/index.ts', sources: 'libs/http/src' },
  { name: '@curio/otel', entry: 'libs/otel/src/index.ts', sources: 'libs/otel/src' },
  { name: 'curio', entry: 'libs/curio/src/index.ts', sources: 'libs/curio/src' },
  { name: '@curio/nx', entry: 'tools/nx/src/index.ts', sources: 'tools/nx/src' },
];
