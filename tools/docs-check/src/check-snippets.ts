/**
 * Type-checks every `ts` block of the given Markdown files (and of TSDoc comments) in one
 * TypeScript program, against the workspace sources (the `paths` of tsconfig.base.json),
 * and reports each error at its line in the Markdown (or source) file.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { extractDocCommentSnippets, extractSnippets, snippetModule, type Snippet, type SnippetModule } from './snippets.js';

/** What checking the docs found. */
export interface SnippetReport {
  /** Every `ts` block found, skipped ones included. */
  snippets: Snippet[];
  /** One line per type error: `docs/file.md:LINE: message`. */
  errors: string[];
}

/** Checks the `ts` blocks of `markdownFiles` (paths relative to `root`). */
export function checkSnippets(root: string, markdownFiles: string[]): SnippetReport {
  return checkSnippetList(root, markdownSnippets(root, markdownFiles));
}

/** The `ts` blocks of `markdownFiles` (paths relative to `root`). */
export function markdownSnippets(root: string, markdownFiles: string[]): Snippet[] {
  return markdownFiles.flatMap((file) => extractSnippets(file, readFileSync(join(root, file), 'utf8')));
}

/** The `ts` blocks of the TSDoc comments of every `.ts` file under `sourceDirs` (relative to `root`). */
export function docCommentSnippets(root: string, sourceDirs: string[], context: string): Snippet[] {
  return sourceDirs.flatMap((dir) => ts.sys.readDirectory(join(root, dir), ['.ts'], ['**/*.d.ts']).sort()
    .flatMap((file) => extractDocCommentSnippets(relative(root, file), readFileSync(file, 'utf8'), context)));
}

/** Type-checks `snippets` in one program. */
export function checkSnippetList(root: string, snippets: Snippet[]): SnippetReport {
  // The modules live beside the docs, so `"type": "module"` of the root package.json makes
  // them ES modules (top-level await works) and the tsconfig paths resolve the packages.
  const modules = new Map<string, { snippet: Snippet; module: SnippetModule }>();

  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.base.json'), { noEmit: true }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  });
  if (!config) throw new Error(`cannot read ${join(root, 'tsconfig.base.json')}`);
  const options = { ...config.options, noEmit: true, declaration: false, sourceMap: false, composite: false };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => modules.has(f) || fileExists.call(host, f);
  host.readFile = (f) => modules.get(f)?.module.text ?? readFile.call(host, f);
  host.getSourceFile = (f, languageVersion, onError, shouldCreate) => {
    const m = modules.get(f);
    if (m) return ts.createSourceFile(f, m.module.text, languageVersion, true);
    return getSourceFile.call(host, f, languageVersion, onError, shouldCreate);
  };
  // A first program lists what `curio` exports (the names `task` and `declare` blocks get
  // for free); the second one, with the snippets, reuses its parsed library files.
  const probe = join(root, 'docs__curio_exports.ts');
  const probeText = "import * as curio from 'curio';\nexport { curio };\n";
  modules.set(probe, { snippet: snippets[0], module: { text: probeText, sourceLines: [] } });
  const first = ts.createProgram([probe], options, host);
  const implied = curioExports(first, probe);
  modules.delete(probe);
  for (const snippet of snippets) {
    if (snippet.kind === 'skip') continue;
    const name = join(root, `${snippet.file.replace(/[^\w]/g, '_')}__line${snippet.line}.snippet.ts`);
    modules.set(name, { snippet, module: snippetModule(snippet, implied) });
  }
  const program = ts.createProgram([...modules.keys()], options, host, first);

  const errors: string[] = [];
  for (const [name, { snippet, module }] of modules) {
    const source = program.getSourceFile(name);
    if (!source) throw new Error(`the snippet module ${name} was not loaded`);
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    for (const d of diagnostics) {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n  ');
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
      const mdLine = at >= 0 ? module.sourceLines[at] : 0;
      const where = mdLine > 0 ? `${snippet.file}:${mdLine}` : `${snippet.file}:${snippet.line} (in the code the check adds around the block)`;
      errors.push(`${where}: ${message}`);
    }
  }
  // Errors in the library sources are not the docs' business, but they would hide the
  // docs' errors: say so instead of passing.
  for (const d of program.getGlobalDiagnostics()) errors.push(`global: ${ts.flattenDiagnosticMessageText(d.messageText, '\n  ')}`);
  return { snippets, errors: errors.map((e) => e.replace(root + '/', '')) };
}

function curioExports(program: ts.Program, probe: string): string[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(probe);
  const importDecl = source?.statements.find(ts.isImportDeclaration);
  const symbol = importDecl && checker.getSymbolAtLocation(importDecl.moduleSpecifier);
  if (!symbol) throw new Error("cannot resolve the module 'curio' from the docs: check the paths of tsconfig.base.json");
  return checker.getExportsOfModule(symbol).map((s) => s.getName()).filter((n) => n !== 'default');
}

/** The Markdown files whose snippets are checked: README.md and docs/*.md. */
export function docFiles(root: string): string[] {
  const docs = ts.sys.readDirectory(join(root, 'docs'), ['.md'], undefined, undefined, 1);
  return ['README.md', ...docs.map((f) => relative(root, f)).sort()];
}
