/**
 * The tutorial's chat chapter (docs/tutorial.md, "A chat server") holds what it promises:
 * its three pieces, one after the other in one file, type-check as one program, and the
 * complete program it ends with is examples/src/chat-server.ts byte for byte (which the
 * e2e tests run and chat through), importing only packages, as every program of the
 * tutorial does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSnippetList, markdownSnippets } from '../src/check-snippets.js';
import type { Snippet } from '../src/snippets.js';

const root = join(__dirname, '../../..');
const TUTORIAL = 'docs/tutorial.md';
const markdown = readFileSync(join(root, TUTORIAL), 'utf8').split('\n');
const snippets = markdownSnippets(root, [TUTORIAL]);

/** The 1-based line of the Markdown heading `heading`. */
function headingLine(heading: string): number {
  const index = markdown.indexOf(heading);
  if (index < 0) throw new Error(`${TUTORIAL} has no heading '${heading}'`);
  return index + 1;
}

/** The `ts` blocks between two headings. */
function blocksBetween(from: string, to: string): Snippet[] {
  const [start, end] = [headingLine(from), headingLine(to)];
  return snippets.filter((s) => s.line > start && s.line < end);
}

/** The module specifiers a block imports from. */
function importedModules(code: string): string[] {
  return [...code.matchAll(/^\s*import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
}

test("the chat chapter's three pieces, one after the other, type-check as one program", () => {
  const pieces = blocksBetween('## A chat server', '### The complete program');
  expect(pieces.map((p) => p.kind)).toEqual(['module', 'module', 'module']);
  const assembled: Snippet = { ...pieces[0], context: '', code: pieces.map((p) => p.code).join('\n') };
  expect(checkSnippetList(root, [assembled]).errors).toEqual([]);
});

test("the chat chapter's complete program is examples/src/chat-server.ts, byte for byte", () => {
  const [complete, ...more] = blocksBetween('### The complete program', '## Files');
  expect(more).toEqual([]);
  expect(complete.kind).toBe('module');
  expect(`${complete.code}\n`).toBe(readFileSync(join(root, 'examples/src/chat-server.ts'), 'utf8'));
});

test('every program of the tutorial imports only packages (curio, @curio/*, node:*, pino), never a relative path', () => {
  const modules = snippets.filter((s) => s.kind === 'module').flatMap((s) => importedModules(`${s.context}\n${s.code}`));
  expect(modules.length).toBeGreaterThan(10);
  expect(modules.filter((m) => m.startsWith('.') || m.startsWith('/'))).toEqual([]);
});
