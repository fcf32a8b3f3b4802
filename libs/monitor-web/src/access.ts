/**
 * Who may use the web view. Loopback is open to every local user, so (as Jupyter does) each
 * process has a random token that every request must carry, in the URL or in the cookie the
 * page sets; the Host must be the address served (DNS rebinding); a state-changing request
 * must come from the page's own origin (CSRF).
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { HttpRequest } from '@curio/http';

/**
 * The cookie the page sets so that its own requests carry the token.
 *
 * @example
 * ```ts
 * import { TOKEN_COOKIE } from '@curio/monitor-web';
 * const header = `${TOKEN_COOKIE}=...`;
 * ```
 */
export const TOKEN_COOKIE = 'curio_monitor_token';

/**
 * A fresh per-process token: 32 random bytes, hex.
 *
 * @example
 * ```ts
 * import { newToken } from '@curio/monitor-web';
 * const token = newToken(); // 64 hex digits
 * ```
 */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/**
 * The verdict on one request: allowed, or refused with a status and a short reason.
 *
 * @example
 * ```ts
 * import type { AccessVerdict } from '@curio/monitor-web';
 * const verdict: AccessVerdict = { ok: false, status: 403, reason: 'no token' };
 * ```
 */
export type AccessVerdict = { ok: true; viaCookie: boolean } | { ok: false; status: number; reason: string };

/** The token found in the cookie header, or null. */
function cookieToken(req: HttpRequest): string | null {
  const header = req.headers.get('cookie');
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return value.join('=');
  }
  return null;
}

function sameToken(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Checks a request against the served address (`host:port` as the page's URL names it) and
 * the token. Order matters: the Host first (a rebound name never learns whether its token
 * was good), then the token, then, for anything but GET and HEAD, the Origin.
 *
 * @example
 * ```ts
 * import type { HttpHandler } from '@curio/http';
 * import { checkAccess, newToken } from '@curio/monitor-web';
 * const token = newToken();
 * const guarded: HttpHandler = function* (req, res) {
 *   const verdict = checkAccess(req, '127.0.0.1:48803', token);
 *   if (!verdict.ok) return yield* res.send(verdict.status, `${verdict.reason}\n`);
 *   yield* res.send(200, 'ok\n');
 * };
 * ```
 */
export function checkAccess(req: HttpRequest, authority: string, token: string): AccessVerdict {
  const host = req.headers.get('host');
  if (host !== authority) return { ok: false, status: 421, reason: `wrong Host: this server answers to ${authority} only` };
  const inUrl = sameToken(req.query.get('token'), token);
  const inCookie = sameToken(cookieToken(req), token);
  if (!inUrl && !inCookie) return { ok: false, status: 403, reason: 'forbidden: the token is missing or wrong (use the URL the program printed)' };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const origin = req.headers.get('origin');
    if (origin !== `http://${authority}`) return { ok: false, status: 403, reason: `forbidden: a ${req.method} must come from the page's own origin http://${authority}` };
  }
  return { ok: true, viaCookie: !inUrl };
}
