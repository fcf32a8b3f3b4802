/**
 * `where` answers in the program's own source: frames of built JavaScript are read back
 * through their source maps to the TypeScript file and line.
 *
 * Node maps stacks itself only with `--enable-source-maps`, or for modules loaded after
 * `process.setSourceMapsEnabled(true)`: by the time a monitor starts, the program's modules
 * are loaded. So the monitor's worker reads the maps (the `sourceMappingURL` at the end of
 * each file) on its own thread, off the kernel's.
 *
 * Sent to the worker as source text (see worker-source.ts): it uses only its arguments
 * and Node's built-ins through `require`.
 * @packageDocumentation
 */
import type { SourceMap } from 'node:module';

/**
 * @internal `text` (a `where` answer: lines `  at NAME (FILE:LINE:COLUMN)`) with each
 * frame whose file has a source map given in its original source, in the same form (URL
 * or path) as the frame's. `maps` caches each file's map (null: none) between calls.
 */
export function originalFrames(text: string, maps: Map<string, SourceMap | null>): string {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { Buffer } = require('node:buffer') as typeof import('node:buffer');
  const fs = require('node:fs') as typeof import('node:fs');
  const { SourceMap: SourceMapClass } = require('node:module') as typeof import('node:module');
  const { fileURLToPath, pathToFileURL } = require('node:url') as typeof import('node:url');
  /* eslint-enable @typescript-eslint/no-require-imports */
  // Files read for their maps at most: a program's own modules are far fewer.
  const MAX_FILES = 1000;
  // Larger files are not read for a map (a built module is far smaller).
  const MAX_FILE_BYTES = 32 * 1024 * 1024;

  const mapOf = (file: string): SourceMap | null => {
    const known = maps.get(file);
    if (known !== undefined) return known;
    let map: SourceMap | null = null;
    try {
      const url = file.startsWith('file:') ? new URL(file) : pathToFileURL(file);
      const path = fileURLToPath(url);
      if (fs.statSync(path).size <= MAX_FILE_BYTES) {
        const comment = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(fs.readFileSync(path, 'utf8'));
        if (comment !== null) {
          const mapUrl = new URL(comment[1], url);
          const json = mapUrl.protocol === 'data:' ? Buffer.from(mapUrl.pathname.slice(mapUrl.pathname.indexOf(',') + 1), 'base64').toString('utf8') : fs.readFileSync(mapUrl, 'utf8');
          const payload = JSON.parse(json) as import('node:module').SourceMapPayload;
          // Sources are relative to the map (and its sourceRoot): make them absolute URLs.
          const root = payload.sourceRoot ? new URL(payload.sourceRoot.endsWith('/') ? payload.sourceRoot : `${payload.sourceRoot}/`, mapUrl) : mapUrl;
          map = new SourceMapClass({ ...payload, sources: payload.sources.map((source) => new URL(source, root).href) });
        }
      }
    } catch {
      map = null; // not a file (node:, eval), unreadable, or a map that does not parse: the frame stays as it is
    }
    if (maps.size < MAX_FILES) maps.set(file, map);
    return map;
  };

  return text.replace(/\((.+):(\d+):(\d+)\)$/gm, (frame: string, file: string, line: string, column: string) => {
    const map = mapOf(file);
    const found = map === null ? {} : map.findOrigin(Number(line), Number(column));
    if (!('fileName' in found)) return frame;
    const origin = found as import('node:module').SourceOrigin;
    const source = file.startsWith('file:') || !origin.fileName.startsWith('file:') ? origin.fileName : fileURLToPath(origin.fileName);
    return `(${source}:${origin.lineNumber}:${origin.columnNumber})`;
  });
}
