/**
 * Lists the exports of a package's entry module whose TSDoc has no `@example`, with the
 * TypeScript compiler API: exports are followed through re-exports to their declarations.
 */
import { join, relative } from 'node:path';
import ts from 'typescript';

/** An export without an `@example`. */
export interface MissingExample {
  /** The package, as given. */
  package: string;
  /** The exported name. */
  name: string;
  /** Where it is declared: `libs/io/src/socket/socket.ts:120`. */
  where: string;
}

/** A package to check: its name and its entry module (relative to the workspace root). */
export interface PackageEntry {
  name: string;
  entry: string;
}

/** One export of a package: its name as exported, and the symbol it stands for. */
interface PackageExport {
  package: string;
  exported: ts.Symbol;
  symbol: ts.Symbol;
}

/** Every export of `packages`' entry modules (types included), read in one program and followed through re-exports. */
function packageExports(root: string, packages: readonly PackageEntry[]): PackageExport[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.base.json'), { noEmit: true }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  });
  if (!config) throw new Error(`cannot read ${join(root, 'tsconfig.base.json')}`);
  const program = ts.createProgram(packages.map((p) => join(root, p.entry)), { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const all: PackageExport[] = [];
  for (const pkg of packages) {
    const source = program.getSourceFile(join(root, pkg.entry));
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`${pkg.name}: cannot read the entry module ${pkg.entry}`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      all.push({ package: pkg.name, exported, symbol });
    }
  }
  return all;
}

/** The names each of `packages` exports (types included), by package name. */
export function exportedNames(root: string, packages: readonly PackageEntry[]): Map<string, string[]> {
  const names = new Map<string, string[]>(packages.map((p) => [p.name, []]));
  for (const e of packageExports(root, packages)) names.get(e.package)!.push(e.exported.getName());
  return names;
}

/** The exports of `packages` that lack an `@example`, checked in one program. */
export function missingExamples(root: string, packages: readonly PackageEntry[]): MissingExample[] {
  const missing: MissingExample[] = [];
  for (const { package: pkg, exported, symbol } of packageExports(root, packages)) {
    const declarations = symbol.declarations ?? [];
    if (declarations.some(hasExample)) continue;
    // A namespace re-export (`export * as redis from ...`) is documented where it is made.
    if (exported !== symbol && (exported.declarations ?? []).some(documentedReExport)) continue;
    const first = declarations[0];
    const file = first?.getSourceFile();
    const where = first && file ? `${relative(root, file.fileName)}:${file.getLineAndCharacterOfPosition(first.getStart()).line + 1}` : '(no declaration)';
    missing.push({ package: pkg, name: exported.getName(), where });
  }
  return missing;
}

function hasExample(declaration: ts.Node): boolean {
  return ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === 'example');
}

function documentedReExport(declaration: ts.Declaration): boolean {
  return ts.isNamespaceExport(declaration) && hasExample(declaration.parent);
}
