/**
 * `@curio/monitor-web`: the Curio monitor's live web view. `serveWebView` serves a page of
 * the task tree (live over Server-Sent Events, a cancel button and `where` per task) from a
 * {@link TaskSource}, behind a per-process token, a Host check and an Origin check.
 * @packageDocumentation
 */
export { serveWebView, type TaskSource, type WebTaskRow, type WebViewOptions } from './server.js';
export { newToken, checkAccess, TOKEN_COOKIE, type AccessVerdict } from './access.js';
export { pageHtml } from './page.js';
