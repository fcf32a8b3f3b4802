/**
 * What both generators share: checking the project name, turning it into the names the
 * templates use, and making sure the project's folder is one of the workspace's npm
 * workspaces (so `npm install` links it and Nx finds it).
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { joinPathFragments, names, offsetFromRoot, readJson, updateJson, type Tree } from '@nx/devkit';

/** The names a template uses for a project called `name`. */
export interface ProjectNames {
  /** As given: `order-service`. */
  name: string;
  /** The npm package name, scoped: `@curio/order-service`. */
  packageName: string;
  /** The range the project's package.json asks of `curio` and `@curio/eslint-plugin`. */
  curioRange: string;
  /** `OrderService`. */
  className: string;
  /** `orderService`. */
  propertyName: string;
  /** `ORDER_SERVICE`. */
  constantName: string;
  /** The project's folder, relative to the workspace root. */
  projectRoot: string;
  /** `../../` from the project folder back to the workspace root. */
  offsetFromRoot: string;
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** An npm scope, without its `@`. */
const SCOPE = /^[a-z0-9][a-z0-9._-]*$/;

/** The workspace's convention for its packages' names: `@curio/NAME`. */
export const DEFAULT_SCOPE = 'curio';

/** What generated projects ask of Curio's packages (the release they were written for). */
export const CURIO_RANGE = '^0.1.0';

/**
 * Checks `name` (lower-case words joined by `-`, as npm package names and folders want)
 * and works out the names and the folder.
 * @throws Error naming the value given and what would be right.
 */
export function projectNames(generator: string, name: unknown, directory: unknown, defaultParent: string, scope: unknown = DEFAULT_SCOPE): ProjectNames {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new Error(`@curio/nx:${generator}: the name must be lower-case words joined by '-' (like 'order-service'), got ${JSON.stringify(name)}`);
  }
  if (directory !== undefined && (typeof directory !== 'string' || directory === '' || directory.startsWith('/') || directory.split('/').includes('..'))) {
    throw new Error(`@curio/nx:${generator}: --directory must be a folder inside the workspace (like 'apps/${name}'), got ${JSON.stringify(directory)}`);
  }
  const bareScope = typeof scope === 'string' ? scope.replace(/^@/, '') : scope;
  if (typeof bareScope !== 'string' || !SCOPE.test(bareScope)) {
    throw new Error(`@curio/nx:${generator}: --scope must be an npm scope (like 'curio' or '@acme'), got ${JSON.stringify(scope)}`);
  }
  const n = names(name);
  const projectRoot = joinPathFragments(typeof directory === 'string' ? directory : `${defaultParent}/${name}`);
  return {
    name,
    packageName: `@${bareScope}/${name}`,
    curioRange: CURIO_RANGE,
    className: n.className,
    propertyName: n.propertyName,
    constantName: n.constantName,
    projectRoot,
    offsetFromRoot: offsetFromRoot(projectRoot),
  };
}

/** Fails clearly if something is already at the project's folder. */
export function checkFree(tree: Tree, generator: string, projectRoot: string): void {
  if (tree.exists(projectRoot) && tree.children(projectRoot).length > 0) {
    throw new Error(`@curio/nx:${generator}: ${projectRoot} already exists and is not empty; pick another name or --directory`);
  }
}

/**
 * Adds the project's parent folder (`apps/*`) to the root package.json's workspaces if no
 * entry covers the project yet.
 */
export function addToWorkspaces(tree: Tree, projectRoot: string): void {
  if (!tree.exists('package.json')) return;
  const parent = projectRoot.includes('/') ? projectRoot.slice(0, projectRoot.lastIndexOf('/')) : '';
  const glob = parent === '' ? projectRoot : `${parent}/*`;
  const pkg = readJson<{ workspaces?: string[] | { packages?: string[] } }>(tree, 'package.json');
  const list = Array.isArray(pkg.workspaces) ? pkg.workspaces : pkg.workspaces?.packages ?? [];
  if (list.includes(glob) || list.includes(projectRoot)) return;
  updateJson(tree, 'package.json', (json: { workspaces?: string[] | { packages?: string[] } }) => {
    if (Array.isArray(json.workspaces) || json.workspaces === undefined) json.workspaces = [...(json.workspaces ?? []), glob];
    else json.workspaces.packages = [...(json.workspaces.packages ?? []), glob];
    return json;
  });
}

/**
 * Writes the workspace's root tsconfig.base.json and eslint.config.mjs, which every
 * generated project extends, where the workspace has none.
 */
export function ensureWorkspaceConfig(tree: Tree): void {
  for (const file of ['tsconfig.base.json', 'eslint.config.mjs']) {
    if (!tree.exists(file)) tree.write(file, readFileSync(joinPathFragments(templates('workspace'), `${file}__tmpl__`), 'utf8'));
  }
}

/** The folder holding a generator's templates (shipped beside dist/). */
export function templates(kind: 'service' | 'protocol' | 'workspace'): string {
  return joinPathFragments(__dirname, '../../files', kind);
}
