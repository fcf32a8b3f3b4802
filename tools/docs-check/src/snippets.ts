/**
 * Finds the TypeScript blocks of Markdown docs and turns each into a module that `tsc`
 * can type-check, with a map back to the Markdown lines for error messages.
 *
 * The convention (docs/internals.md, "Writing docs"): every fenced block tagged `ts` is
 * checked. By default it is a whole module. An HTML comment just before the block can say
 * otherwise, and give declarations the block assumes:
 *
 *     <!-- snippet: task
 *     declare const sock: Socket;
 *     -->
 *
 * The first line names the kind:
 * - `module` (the default): a whole program, imports included, as a reader would copy it;
 * - `task`: the statements are the body of a generator function, so `yield*` works
 *   (leading imports stay at the top);
 * - `declare`: signatures (`recv(n: number): Operation<Buffer>`), checked as ambient
 *   declarations, so every type they name must exist;
 * - `signatures`: a listing in the reference's shorthand (`new Lock()`,
 *   `lock.acquire(): Operation<boolean>`), which is not TypeScript: only the names are
 *   checked (`Lock` is exported, `lock.acquire` exists on a `Lock`; a receiver is typed by
 *   the block's `new X(...)` line or declared in the context). It may hold no statement
 *   (no `yield`, `await`, `const`, `let`): code goes in a checked block;
 * - `skip: <reason>`: not checked; the reason is required, and skips should be rare.
 * In `task` and `declare` blocks every export of `curio` is in scope without an import.
 * The other lines of the comment are TypeScript put before the block.
 */
import ts from 'typescript';

/** How a block is checked. */
export type SnippetKind = 'module' | 'task' | 'declare' | 'signatures' | 'skip';

/** One `ts` block of a Markdown file. */
export interface Snippet {
  /** The Markdown file, as given to {@link extractSnippets}. */
  file: string;
  /** 1-based line of the block's first code line. */
  line: number;
  kind: SnippetKind;
  /** Why a skipped block is not checked. */
  skipReason: string;
  /** TypeScript declarations the block assumes (from its snippet comment). */
  context: string;
  /** 1-based Markdown line of the context's first line. */
  contextLine: number;
  /** The exports of `curio` are in scope without imports (`task` and `declare` blocks, TSDoc examples). */
  impliedImports?: boolean;
  code: string;
}

const FENCE = /^(\s*)(```+|~~~+)\s*([\w-]*)(.*)$/;
const SNIPPET_COMMENT = /^\s*<!--\s*snippet:\s*(.*)$/;
const TS_TAGS = new Set(['ts', 'typescript', 'mts', 'tsx']);

/** The `ts` blocks of one Markdown text, with the snippet comment before each. */
export function extractSnippets(file: string, markdown: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  let pending: { kind: SnippetKind; skipReason: string; context: string; contextLine: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const comment = SNIPPET_COMMENT.exec(lines[i]);
    if (comment) {
      const start = i;
      const body: string[] = [];
      let head = comment[1];
      // The comment may end on its first line or run on over context lines.
      const closesHere = head.includes('-->');
      if (closesHere) head = head.slice(0, head.indexOf('-->'));
      else {
        for (i++; i < lines.length && !lines[i].includes('-->'); i++) body.push(lines[i]);
        if (i >= lines.length) throw new Error(`${file}:${start + 1}: the snippet comment is never closed with -->`);
        const last = lines[i].slice(0, lines[i].indexOf('-->'));
        if (last.trim() !== '') body.push(last);
      }
      pending = { ...parseKind(file, start + 1, head.trim()), context: body.join('\n'), contextLine: start + 2 };
      continue;
    }
    const fence = FENCE.exec(lines[i]);
    if (!fence) {
      // A snippet comment belongs to the very next block; only blank lines may come between.
      if (pending && lines[i].trim() !== '') throw new Error(`${file}:${i + 1}: a snippet comment must be followed by a \`\`\`ts block, found ${JSON.stringify(lines[i])}`);
      continue;
    }
    const [, indent, marker, tag] = fence;
    const start = i + 1;
    const code: string[] = [];
    for (i++; i < lines.length; i++) {
      const close = lines[i].trim();
      if (close.startsWith(marker[0]) && close.replace(/[`~]/g, '') === '' && close.length >= marker.length) break;
      code.push(lines[i].startsWith(indent) ? lines[i].slice(indent.length) : lines[i]);
    }
    if (TS_TAGS.has(tag)) {
      const p = pending ?? { kind: 'module' as const, skipReason: '', context: '', contextLine: 0 };
      const statement = p.kind === 'signatures' && code.findIndex((l) => /\b(yield|await|const|let)\b/.test(l.replace(/\/\/.*$/, '')));
      if (typeof statement === 'number' && statement >= 0) {
        throw new Error(`${file}:${start + 1 + statement}: a "signatures" block holds code (${JSON.stringify(code[statement].trim())}): make it a checked block (module or task)`);
      }
      snippets.push({ file, line: start + 1, ...p, code: code.join('\n') });
    } else if (pending) {
      throw new Error(`${file}:${start}: a snippet comment is followed by a \`\`\`${tag} block; snippet comments are for \`\`\`ts blocks`);
    }
    pending = null;
  }
  return snippets;
}

function parseKind(file: string, line: number, head: string): { kind: SnippetKind; skipReason: string } {
  if (head === '' || head === 'module') return { kind: 'module', skipReason: '' };
  if (head === 'task' || head === 'declare') return { kind: head, skipReason: '' };
  if (head === 'signatures') return { kind: head, skipReason: '' };
  const skip = /^skip\s*:\s*(.*)$/.exec(head);
  if (skip) {
    if (skip[1].trim().length < 10) throw new Error(`${file}:${line}: "snippet: skip" needs a reason (a few words after "skip:"), got ${JSON.stringify(head)}`);
    return { kind: 'skip', skipReason: skip[1].trim() };
  }
  throw new Error(`${file}:${line}: unknown snippet kind ${JSON.stringify(head)}: expected "module", "task", "declare", "signatures" or "skip: <reason>"`);
}

/** A snippet as a TypeScript module, and where each of its lines came from. */
export interface SnippetModule {
  text: string;
  /** For each 0-based line of `text`, the 1-based Markdown line, or 0 for a line we added. */
  sourceLines: number[];
}

/**
 * Builds the module that type-checks a snippet. `implied` are the names of `curio` a
 * `task` or `declare` block may use without importing them.
 */
export function snippetModule(snippet: Snippet, implied: readonly string[] = []): SnippetModule {
  const out: string[] = [];
  const sourceLines: number[] = [];
  const add = (text: string, firstLine: number) => {
    text.split('\n').forEach((l, k) => {
      out.push(l);
      sourceLines.push(firstLine === 0 ? 0 : firstLine + k);
    });
  };
  const codeLines = snippet.code.split('\n');
  let bodyStart = 0;
  if (snippet.kind === 'task') bodyStart = leadingImportLines(snippet.code);
  if (bodyStart > 0) add(codeLines.slice(0, bodyStart).join('\n'), snippet.line);
  if (snippet.context !== '') add(snippet.context, snippet.contextLine);  // line 0: lines the check adds
  if (snippet.kind !== 'module' || snippet.impliedImports) {
    const declared = snippet.kind === 'module' ? snippet.code : codeLines.slice(0, bodyStart).join('\n');
    const taken = topLevelNames(declared + '\n' + snippet.context);
    const names = implied.filter((n) => !taken.has(n));
    if (names.length > 0) add(`import { ${names.join(', ')} } from 'curio';`, 0);
  }
  if (snippet.kind === 'signatures') {
    signatureChecks(snippet).forEach(([check, line]) => add(check, line));
  } else if (snippet.kind === 'task') {
    add('export function* snippet$task() {', 0);
    add(codeLines.slice(bodyStart).join('\n'), snippet.line + bodyStart);
    add('}', 0);
  } else if (snippet.kind === 'declare') {
    add('declare namespace snippet$declarations {', 0);
    add(snippet.code, snippet.line);
    add('}', 0);
  } else {
    add(snippet.code, snippet.line);
  }
  // Every snippet is a module of its own, even one without imports or exports.
  add('export {};', 0);
  return { text: out.join('\n'), sourceLines };
}

/** How many lines at the top of `code` are import declarations. */
function leadingImportLines(code: string): number {
  const source = ts.createSourceFile('snippet.ts', code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  let end = 0;
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement)) break;
    end = statement.getEnd();
  }
  return end === 0 ? 0 : source.getLineAndCharacterOfPosition(end).line + 1;
}

/** The names that imports and declarations at the top of `code` bind. */
function topLevelNames(code: string): Set<string> {
  const source = ts.createSourceFile('context.ts', code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const names = new Set<string>();
  const bind = (name: ts.BindingName | ts.Identifier | undefined) => {
    if (!name) return;
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      bind(clause?.name);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) bind(bindings.name);
      else if (bindings) for (const element of bindings.elements) bind(element.name);
    } else if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) bind(d.name);
    } else if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement)
      || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement)) {
      if (statement.name && ts.isIdentifier(statement.name)) bind(statement.name);
    }
  }
  return names;
}

/**
 * The `ts` blocks inside the TSDoc comments of a TypeScript source: each is a fragment of
 * a task's body (a `task` snippet; leading imports stay at the top), or a module when it
 * uses `await` (promise code) or exports something. Either way the exports of `curio` are in scope, and `context` (declarations
 * of the names examples may use freely: `sock`, `stream`, ...) goes before each.
 */
export function extractDocCommentSnippets(file: string, source: string, context: string): Snippet[] {
  const lines = source.split('\n');
  const snippets: Snippet[] = [];
  let inComment = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!inComment) {
      if (/^\s*\/\*\*/.test(line) && !line.includes('*/')) inComment = true;
      continue;
    }
    if (line.includes('*/')) { inComment = false; continue; }
    const text = stripCommentPrefix(line);
    const fence = /^\s*```(\w*)\s*$/.exec(text);
    if (!fence) continue;
    const start = i + 1;
    const code: string[] = [];
    for (i++; i < lines.length && !lines[i].includes('*/') && !/^\s*```\s*$/.test(stripCommentPrefix(lines[i])); i++) code.push(stripCommentPrefix(lines[i]));
    if (i < lines.length && lines[i].includes('*/')) inComment = false;
    if (!TS_TAGS.has(fence[1])) continue;
    const whole = code.some((l) => /^export |\bawait /.test(l));
    snippets.push({ file, line: start + 1, kind: whole ? 'module' : 'task', skipReason: '', context, contextLine: 0, impliedImports: true, code: code.join('\n') });
  }
  return snippets;
}

function stripCommentPrefix(line: string): string {
  return line.replace(/^\s*\* ?/, '');
}

/**
 * What a `signatures` block names, as statements that type-check only if the names exist:
 * `Lock;` for `new Lock()`, `lock.acquire;` for `lock.acquire(): ...` (with
 * `declare const lock: Lock;` from the block's `new Lock()` line), `spawn.with;`, and
 * `Lock.from;` for a static member named on the class (`Lock.from(clone)`).
 */
function signatureChecks(snippet: Snippet): [string, number][] {
  const lines = snippet.code.split('\n');
  const declared = topLevelNames(snippet.context);
  const checks: [string, number][] = [];
  const constructed = lines.map((l) => /^\s*new\s+(\w+)/.exec(l)?.[1]).find((c) => c !== undefined);
  const receivers = new Set<string>();
  lines.forEach((raw, k) => {
    const line = raw.replace(/\/\/.*$/, '').trim();
    const at = snippet.line + k;
    let m: RegExpExecArray | null;
    if ((m = /^new\s+(\w+)/.exec(line))) checks.push([`${m[1]};`, at]);
    else if ((m = /^(\w+)((?:\.\w+)+)/.exec(line))) {
      // `Queue.from(clone)` names a static member of the class itself: no receiver to declare.
      if (!declared.has(m[1]) && constructed !== undefined && m[1] !== constructed && !receivers.has(m[1])) {
        receivers.add(m[1]);
        checks.unshift([`declare const ${m[1]}: ${constructed};`, 0]);
      }
      checks.push([`${m[1]}${m[2]};`, at]);
    } else if ((m = /^(\w+)\s*[<(]/.exec(line))) checks.push([`${m[1]};`, at]);
  });
  return checks;
}
