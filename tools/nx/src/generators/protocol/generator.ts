/**
 * `nx g @curio/nx:protocol NAME`: a protocol package skeleton on Curio streams: a framing
 * codec (4-byte length-prefixed frames, with a size limit), a client whose requests are
 * operations (a request cancelled midway closes the client: its connection is discarded,
 * never left out of step), a server running a handler per request, and tests over
 * 127.0.0.1, one of which cancels a request midway.
 * @packageDocumentation
 */
import { formatFiles, generateFiles, type Tree } from '@nx/devkit';
import { addToWorkspaces, checkFree, ensureWorkspaceConfig, projectNames, templates } from '../shared.js';

/**
 * The options of the protocol generator (see schema.json), given on the command line.
 *
 * @example
 * ```sh
 * nx g @curio/nx:protocol kv --maxFrameSize=65536
 * ```
 */
export interface ProtocolGeneratorSchema {
  /** The package's name: lower-case words joined by '-'. */
  name: string;
  /** The package's folder (default `libs/NAME`). */
  directory?: string;
  /** The largest frame the codec accepts, in bytes (default 1 MiB). */
  maxFrameSize?: number;
  /** The npm scope of the package name (default `curio`: `@curio/NAME`). */
  scope?: string;
  /** Skip formatting the generated files (default false). */
  skipFormat?: boolean;
}

/**
 * Writes the protocol package into `tree`.
 * @example `nx g @curio/nx:protocol kv --maxFrameSize=65536`
 */
export async function protocolGenerator(tree: Tree, options: ProtocolGeneratorSchema): Promise<void> {
  const n = projectNames('protocol', options.name, options.directory, 'libs', options.scope);
  const maxFrameSize = options.maxFrameSize ?? 1024 * 1024;
  if (!Number.isInteger(maxFrameSize) || maxFrameSize < 1) throw new Error(`@curio/nx:protocol: --maxFrameSize must be a positive integer, got ${JSON.stringify(options.maxFrameSize)}`);
  checkFree(tree, 'protocol', n.projectRoot);
  generateFiles(tree, templates('protocol'), n.projectRoot, { ...n, maxFrameSize, tmpl: '' });
  ensureWorkspaceConfig(tree);
  addToWorkspaces(tree, n.projectRoot);
  if (!options.skipFormat) await formatFiles(tree);
}

export default protocolGenerator;
