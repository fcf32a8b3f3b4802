/**
 * The web view's server: `serveWebView` answers the page, its event stream and its
 * actions from a {@link TaskSource} (in the monitor, the worker's questions to the kernel's
 * thread), every request checked by `checkAccess` first.
 * @packageDocumentation
 */
import { awaitPromise, sleep, type Operation } from '@curio/kernel';
import { serveHttp, type HttpHandler } from '@curio/http';
import { checkAccess, TOKEN_COOKIE } from './access.js';
import { pageHtml } from './page.js';

/**
 * One task as the page shows it (the monitor's `ps` row).
 *
 * @example
 * ```ts
 * import type { WebTaskRow } from '@curio/monitor-web';
 * const row: WebTaskRow = { id: 2, name: 'echoClient', state: 'READ_WAIT', cycles: 2, parentId: 1, daemon: false };
 * ```
 */
export interface WebTaskRow {
  id: number;
  name: string;
  state: string;
  cycles: number;
  parentId: number | null;
  daemon: boolean;
}

/**
 * Where the view gets its answers: the task table, a task's `where()` text, and a cancel
 * that settles once the task has finished (with the text to show).
 *
 * @example
 * ```ts
 * import type { TaskSource } from '@curio/monitor-web';
 * const source: TaskSource = { rows: async () => [], where: async (id: number) => `No task ${id}`, cancel: async (id: number) => `No task ${id}` };
 * ```
 */
export interface TaskSource {
  rows(): Promise<readonly WebTaskRow[]>;
  where(id: number): Promise<string>;
  cancel(id: number): Promise<string>;
}

/**
 * Options of {@link serveWebView}.
 *
 * @example
 * ```ts
 * import { newToken, type WebViewOptions } from '@curio/monitor-web';
 * const options: WebViewOptions = { token: newToken(), intervalMs: 250, onListening: (url: string) => console.error(`monitor web view: ${url}`) };
 * ```
 */
export interface WebViewOptions {
  /** The token every request must carry (see `newToken`). */
  token: string;
  /** How often the event stream looks for changes, in ms (default 250). */
  intervalMs?: number;
  /** Called once it listens, with the page's URL, token included. */
  onListening?: (url: string) => void;
}

const TASK_PATH = /^\/(where|cancel)\/([1-9][0-9]*)$/;

/**
 * Serves the web view on `host:port` until cancelled.
 *
 * @example
 * ```ts
 * import { newToken, serveWebView, type TaskSource } from '@curio/monitor-web';
 * const source: TaskSource = { rows: async () => [], where: async (id: number) => `No task ${id}`, cancel: async (id: number) => `No task ${id}` };
 * yield* serveWebView('127.0.0.1', 48803, source, { token: newToken(), onListening: (url: string) => console.error(`monitor web view: ${url}`) });
 * ```
 */
export function* serveWebView(host: string, port: number, source: TaskSource, options: WebViewOptions): Operation<never> {
  if (typeof options?.token !== 'string' || options.token.length < 16) throw new TypeError('serveWebView(): options.token must be a string of at least 16 characters (use newToken())');
  const intervalMs = options.intervalMs ?? 250;
  if (!(intervalMs > 0)) throw new TypeError(`serveWebView(): options.intervalMs must be a positive number of ms, got ${String(intervalMs)}`);
  let authority = `${host}:${port}`;
  const handler = webViewHandler(() => authority, source, options.token, intervalMs);
  return yield* serveHttp(host, port, handler, {
    onListening: (address) => {
      authority = `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
      options.onListening?.(`http://${authority}/?token=${options.token}`);
    },
  });
}

/** @internal The request handler, exported for serveWebView only. */
export function webViewHandler(authority: () => string, source: TaskSource, token: string, intervalMs: number): HttpHandler {
  return function* webView(req, res) {
    const verdict = checkAccess(req, authority(), token);
    if (!verdict.ok) return yield* res.send(verdict.status, `${verdict.reason}\n`, { 'content-type': 'text/plain; charset=utf-8' });
    const plain = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' };
    if (req.path === '/' && req.method === 'GET') {
      return yield* res.send(200, pageHtml(), {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'set-cookie': `${TOKEN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`,
        'content-security-policy': "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
      });
    }
    if (req.path === '/tasks' && req.method === 'GET') {
      const rows = yield* awaitPromise(source.rows());
      return yield* res.send(200, JSON.stringify({ rows }), { 'content-type': 'application/json', 'cache-control': 'no-store' });
    }
    if (req.path === '/events' && req.method === 'GET') {
      yield* res.start(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      let last = '';
      for (;;) {
        const data = JSON.stringify({ rows: yield* awaitPromise(source.rows()) });
        if (data !== last) yield* res.write(`data: ${data}\n\n`);
        last = data;
        yield* sleep(intervalMs);
      }
    }
    const match = TASK_PATH.exec(req.path);
    if (match !== null) {
      const [, action, id] = match;
      if (action === 'where' && req.method === 'GET') return yield* res.send(200, yield* awaitPromise(source.where(Number(id))), plain);
      if (action === 'cancel' && req.method === 'POST') return yield* res.send(200, yield* awaitPromise(source.cancel(Number(id))), plain);
      return yield* res.send(405, `${req.method} is not allowed on ${req.path}\n`, plain);
    }
    return yield* res.send(404, `No such page: ${req.path}\n`, plain);
  };
}
