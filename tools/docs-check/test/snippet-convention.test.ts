/** The snippet convention itself: what a snippet comment means, and errors at the right line. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { extractSnippets, snippetModule } from '../src/snippets.js';
import { checkSnippets } from '../src/check-snippets.js';

const root = join(__dirname, '../../..');
const fence = '```';

describe('extractSnippets', () => {
  it('finds ts blocks, with their first code line, and ignores other languages', () => {
    const md = ['# t', '', `${fence}ts`, 'const a = 1;', fence, '', `${fence}sh`, 'ls', fence].join('\n');
    const [snippet, ...rest] = extractSnippets('x.md', md);
    expect(rest).toEqual([]);
    expect(snippet).toMatchObject({ file: 'x.md', line: 4, kind: 'module', code: 'const a = 1;' });
  });

  it('reads the kind and the context lines of a snippet comment', () => {
    const md = ['<!-- snippet: task', 'declare const n: number;', '-->', `${fence}ts`, 'yield* sleep(n);', fence].join('\n');
    expect(extractSnippets('x.md', md)[0]).toMatchObject({ kind: 'task', context: 'declare const n: number;', contextLine: 2, line: 5 });
  });

  it('refuses an unknown kind, a skip without a reason and code in a signatures block', () => {
    expect(() => extractSnippets('x.md', `<!-- snippet: tsk -->\n${fence}ts\nx\n${fence}`)).toThrow('x.md:1: unknown snippet kind "tsk"');
    expect(() => extractSnippets('x.md', `<!-- snippet: skip: -->\n${fence}ts\nx\n${fence}`)).toThrow('needs a reason');
    expect(() => extractSnippets('x.md', `<!-- snippet: signatures -->\n${fence}ts\nconst x = 1;\n${fence}`)).toThrow('x.md:3: a "signatures" block holds code');
  });

  it('refuses a snippet comment that is not followed by a ts block', () => {
    expect(() => extractSnippets('x.md', '<!-- snippet: task -->\nsome text\n')).toThrow('x.md:2: a snippet comment must be followed by a ```ts block');
  });
});

describe('snippetModule', () => {
  it('puts a task block in a generator, leading imports first, and maps lines back', () => {
    const [snippet] = extractSnippets('x.md', ['<!-- snippet: task', 'declare const n: number;', '-->', `${fence}ts`, "import { sleep } from 'curio';", 'yield* sleep(n);', fence].join('\n'));
    const module = snippetModule(snippet, ['sleep', 'spawn']);
    const lines = module.text.split('\n');
    expect(lines[0]).toBe("import { sleep } from 'curio';");
    expect(lines).toContain("import { spawn } from 'curio';");   // implied, not imported twice
    const body = lines.indexOf('yield* sleep(n);');
    expect(lines[body - 1]).toBe('export function* snippet$task() {');
    expect(module.sourceLines[body]).toBe(6);
    expect(module.sourceLines[lines.indexOf('declare const n: number;')]).toBe(2);
  });
});

describe('signatures blocks', () => {
  it('check the names they list: the class, and each member on an instance of it', () => {
    const [snippet] = extractSnippets('x.md', ['<!-- snippet: signatures -->', `${fence}ts`, 'new Lock()', 'lock.acquire(): Operation<boolean>   // waits', 'spawn.with(options): SpawnFunction', fence].join('\n'));
    const module = snippetModule(snippet, ['Lock', 'spawn']);
    const lines = module.text.split('\n');
    expect(lines).toEqual(expect.arrayContaining(['declare const lock: Lock;', 'Lock;', 'lock.acquire;', 'spawn.with;']));
    expect(module.sourceLines[lines.indexOf('lock.acquire;')]).toBe(4);
  });

  it('check a static member on the class itself, not on an instance', () => {
    const [snippet] = extractSnippets('x.md', ['<!-- snippet: signatures -->', `${fence}ts`, 'new Lock()', 'Lock.from(clone): Lock', 'lock.release(): void', fence].join('\n'));
    const lines = snippetModule(snippet, ['Lock']).text.split('\n');
    expect(lines).toEqual(expect.arrayContaining(['Lock.from;', 'declare const lock: Lock;', 'lock.release;']));
    expect(lines).not.toContain('declare const Lock: Lock;');
  });
});

describe('checkSnippets', () => {
  it('reports a type error at its Markdown line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docs-check-'));
    try {
      const file = join(dir, 'broken.md');
      writeFileSync(file, ['# Broken', '', `${fence}ts`, "import { sleep } from 'curio';", '', "sleep('soon');", fence, ''].join('\n'));
      const report = checkSnippets(root, [relative(root, file)]);
      expect(report.errors).toHaveLength(1);
      expect(report.errors[0]).toMatch(/broken\.md:6: Argument of type 'string' is not assignable to parameter of type 'number'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
