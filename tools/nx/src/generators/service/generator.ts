/**
 * `nx g @curio/nx:service NAME`: a Curio service project. A TCP server (a line protocol:
 * each line comes back as `echo: LINE`, the place to put real work; a task per client)
 * running under `main()` from `curio`, so SIGTERM and SIGINT cancel it, its cleanup runs
 * and it exits with the conventional status; crash reports (`logcrash`) and long blocks
 * (`longblock`) through pino always on; the monitor on when `CURIO_MONITOR` asks
 * (`monitorFromEnvironment()`); host and port from the command line; a unit test (with a
 * crashed client task read back as a pino record) and an end-to-end test that runs it as
 * a real process on 127.0.0.1, asks its monitor for `ps` and stops it with SIGTERM.
 * @packageDocumentation
 */
import { formatFiles, generateFiles, type Tree } from '@nx/devkit';
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
  /** Skip formatting the generated files (default false). */
  skipFormat?: boolean;
}

/**
 * Writes the service project into `tree`.
 * @example `nx g @curio/nx:service orders --port=9000`
 */
export async function serviceGenerator(tree: Tree, options: ServiceGeneratorSchema): Promise<void> {
  const n = projectNames('service', options.name, options.directory, 'apps', options.scope);
  const port = options.port ?? 8000;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`@curio/nx:service: --port must be an integer from 1 to 65535, got ${JSON.stringify(options.port)}`);
  checkFree(tree, 'service', n.projectRoot);
  generateFiles(tree, templates('service'), n.projectRoot, { ...n, port, tmpl: '' });
  ensureWorkspaceConfig(tree);
  addToWorkspaces(tree, n.projectRoot);
  if (!options.skipFormat) await formatFiles(tree);
}

export default serviceGenerator;
