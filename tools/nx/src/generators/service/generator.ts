/**
 * `nx g @curio/nx:service NAME`: a Curio service project, running under `main()` from
 * `curio`, so SIGTERM and SIGINT cancel it, its cleanup runs and it exits with the
 * conventional status; crash reports (`logcrash`) and long blocks (`longblock`) through
 * pino always on; the monitor on when `CURIO_MONITOR` asks (`monitorFromEnvironment()`);
 * configured from the command line; unit tests and an end-to-end test that runs it as a
 * real process on 127.0.0.1 and stops it with SIGTERM. Two transports:
 * - `http` (the default): `serveHttp` from `@curio/http` with `/healthz`, `/readyz` (503
 *   while draining), a pino record per request with its request id, and a shutdown that
 *   fails readiness first (`--shutdown-delay`) then drains (`--drain-timeout`);
 * - `tcp`: `tcpServer` with a task per client answering each line with `echo: LINE`.
 *
 * The templates are `files/service/common` (both) plus `files/service/TRANSPORT`.
 * @packageDocumentation
 */
import { formatFiles, generateFiles, joinPathFragments, type Tree } from '@nx/devkit';
import { addToWorkspaces, checkFree, ensureWorkspaceConfig, projectNames, templates } from '../shared.js';

/**
 * The options of the service generator (see schema.json), given on the command line.
 *
 * @example
 * ```sh
 * nx g @curio/nx:service orders --directory=apps/orders --port=9000
 * ```
 */
export interface ServiceGeneratorSchema {
  /** The project's name: lower-case words joined by '-'. */
  name: string;
  /** The project's folder (default `apps/NAME`). */
  directory?: string;
  /** The port the service listens on when none is given on the command line (default 8000). */
  port?: number;
  /** The npm scope of the package name (default `curio`: `@curio/NAME`). */
  scope?: string;
  /** What the service speaks (default `http`): HTTP/1.1 on `@curio/http`, or a line protocol on TCP. */
  transport?: ServiceTransport;
  /** Skip formatting the generated files (default false). */
  skipFormat?: boolean;
}

/**
 * The transports a service can be generated with.
 * @example `const transport: ServiceTransport = 'tcp';`
 */
export type ServiceTransport = 'http' | 'tcp';

const TRANSPORTS: readonly ServiceTransport[] = ['http', 'tcp'];

/**
 * Writes the service project into `tree`.
 * @example `nx g @curio/nx:service orders --port=9000 --transport=tcp`
 */
export async function serviceGenerator(tree: Tree, options: ServiceGeneratorSchema): Promise<void> {
  const n = projectNames('service', options.name, options.directory, 'apps', options.scope);
  const port = options.port ?? 8000;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`@curio/nx:service: --port must be an integer from 1 to 65535, got ${JSON.stringify(options.port)}`);
  const transport = options.transport ?? 'http';
  if (!TRANSPORTS.includes(transport)) throw new Error(`@curio/nx:service: --transport must be one of ${TRANSPORTS.join(', ')}, got ${JSON.stringify(options.transport)}`);
  checkFree(tree, 'service', n.projectRoot);
  const substitutions = { ...n, port, transport, tmpl: '' };
  generateFiles(tree, joinPathFragments(templates('service'), 'common'), n.projectRoot, substitutions);
  generateFiles(tree, joinPathFragments(templates('service'), transport), n.projectRoot, substitutions);
  ensureWorkspaceConfig(tree);
  addToWorkspaces(tree, n.projectRoot);
  if (!options.skipFormat) await formatFiles(tree);
}

export default serviceGenerator;
