/**
 * `where` answers in TypeScript: frames of a program compiled at test time by TypeScript
 * (src/napper.ts to dist/napper.mjs, its map beside it, as the workspace's builds emit)
 * are read back to the source file, line and column. The whole path, a built server's
 * `where` through curio-monitor, is in e2e/test/monitor.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { originalFrames } from '../src/frames.js';

// The interface and the types vanish from the JavaScript, so its lines are not the source's.
const SOURCE = `import { sleep } from '@curio/kernel';

interface Nap {
  ms: number;
  why: string;
}

const nap: Nap = { ms: 300_000, why: 'waiting to be asked where' };

export function* napper(): Generator<unknown, void> {
  const ms: number = nap.ms;
  yield* sleep(ms);
}
`;
const STATEMENT = 'yield* sleep(ms)';

/** 1-based line and column of `what` in `text`. */
function position(text: string, what: string): { line: number; column: number } {
  const lines = text.split('\n');
  const index = lines.findIndex((l) => l.includes(what));
  return { line: index + 1, column: lines[index].indexOf(what) + 1 };
}

let dir: string;
let files: { ts: string; js: string; jsText: string };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'curio-frames-'));
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'dist'));
  const tsFile = join(dir, 'src/napper.ts');
  const jsFile = join(dir, 'dist/napper.mjs');
  writeFileSync(tsFile, SOURCE);
  const out = ts.transpileModule(SOURCE, {
    fileName: 'napper.ts',
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, sourceMap: true, inlineSources: true },
  });
  const map = { ...(JSON.parse(out.sourceMapText!) as object), file: 'napper.mjs', sources: ['../src/napper.ts'] };
  writeFileSync(jsFile, out.outputText.replace(/\/\/# sourceMappingURL=\S+\s*$/, '//# sourceMappingURL=napper.mjs.map\n'));
  writeFileSync(`${jsFile}.map`, JSON.stringify(map));
  files = { ts: tsFile, js: jsFile, jsText: out.outputText };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a frame of built JavaScript is given at its TypeScript file, line and column, as URL or path', () => {
  const js = position(files.jsText, STATEMENT);
  const source = position(SOURCE, STATEMENT);
  expect(js.line).not.toBe(source.line); // so a right line can only come from the map
  const url = pathToFileURL(files.js).href;
  const where = `Stack for Task(id=1, name='napper', state='TIME_SLEEP') (most recent call first):\n  at napper (${url}:${js.line}:${js.column})\n  at napper (${files.js}:${js.line}:${js.column})`;
  expect(originalFrames(where, new Map())).toBe(
    `Stack for Task(id=1, name='napper', state='TIME_SLEEP') (most recent call first):\n  at napper (${pathToFileURL(files.ts).href}:${source.line}:${source.column})\n  at napper (${files.ts}:${source.line}:${source.column})`,
  );
});

test('frames without a map (built-ins, files without one, files that are gone) stay as they are, and each map is read once', () => {
  const plain = join(dir, 'dist/plain.mjs');
  writeFileSync(plain, 'export const x = 1;\n');
  const where = `  at a (node:internal/timers:10:5)\n  at b (${plain}:1:1)\n  at c (${join(dir, 'gone.mjs')}:3:4)`;
  const maps = new Map<string, SourceMap | null>();
  expect(originalFrames(where, maps)).toBe(where);
  expect([...maps.values()]).toEqual([null, null, null]);

  const js = position(files.jsText, STATEMENT);
  originalFrames(`  at napper (${files.js}:${js.line}:${js.column})`, maps);
  const cached = maps.get(files.js);
  expect(cached).not.toBeNull();
  originalFrames(`  at napper (${files.js}:${js.line}:${js.column})`, maps);
  expect(maps.get(files.js)).toBe(cached);
});
