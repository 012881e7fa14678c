/**
 * Security decisions of the browser host, as pure functions (the http/ws code in server.ts only wires them).
 *
 * Threat model: the desk host holds a logged-in session to the central server and listens on loopback. Anything
 * else running in the user's browser (another tab, a rebinding DNS name pointing at 127.0.0.1) must not be able
 * to read the console or drive the DeskApi. Hence: a per-launch token that becomes an HttpOnly SameSite=Strict
 * cookie, a Host allow-list (DNS rebinding) and an Origin check on the WebSocket (cross-site WebSocket hijacking).
 */
import { timingSafeEqual } from 'node:crypto';
import { buildCsp } from '../shell/csp';

export const TOKEN_QUERY_PARAM = 'token';

/** Host header values that name this server; anything else is a rebinding attempt or a misdirected request. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  return allowedHosts(port).includes(hostHeader.toLowerCase());
}

/** The WebSocket must be opened by a page of this very origin (the one the Host header names). */
export function isAllowedOrigin(origin: string | undefined, hostHeader: string | undefined, port: number): boolean {
  if (!origin || !isAllowedHost(hostHeader, port)) return false;
  return origin.toLowerCase() === `http://${hostHeader!.toLowerCase()}`;
}

/**
 * Cookies are scoped by host, not by port: two hosts on different ports of 127.0.0.1 would overwrite each other's
 * cookie under one name, so the port is part of the name.
 */
export function cookieName(port: number): string {
  return `desk_token_${port}`;
}

export function sessionCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    // First one wins, like browsers send the most specific cookie first.
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

/** Constant-time comparison so the token cannot be guessed byte by byte from response timings. */
export function tokenMatches(expected: string, candidate: string | null | undefined): boolean {
  if (typeof candidate !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(candidate, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function hasSessionCookie(cookieHeader: string | undefined, port: number, token: string): boolean {
  return tokenMatches(token, parseCookies(cookieHeader).get(cookieName(port)));
}

export type HttpDecision =
  | { kind: 'forbidden'; reason: 'host' | 'token' }
  /** The printed URL was opened: trade the query token for the cookie and drop it from the address bar. */
  | { kind: 'redirect'; location: string; setCookie: string }
  | { kind: 'allow' };

export interface HttpRequestFacts {
  /** Raw request target, e.g. `/?token=abc` or `/assets/index.js`. */
  url: string;
  host: string | undefined;
  cookie: string | undefined;
  port: number;
  token: string;
}

export function decideHttpRequest(req: HttpRequestFacts): HttpDecision {
  if (!isAllowedHost(req.host, req.port)) return { kind: 'forbidden', reason: 'host' };
  const url = parseTarget(req.url);
  if (url === null) return { kind: 'forbidden', reason: 'token' };
  const queryToken = url.searchParams.get(TOKEN_QUERY_PARAM);
  if (queryToken !== null) {
    if (!tokenMatches(req.token, queryToken)) return { kind: 'forbidden', reason: 'token' };
    url.searchParams.delete(TOKEN_QUERY_PARAM);
    return { kind: 'redirect', location: url.pathname + url.search, setCookie: sessionCookie(req.port, req.token) };
  }
  if (!hasSessionCookie(req.cookie, req.port, req.token)) return { kind: 'forbidden', reason: 'token' };
  return { kind: 'allow' };
}

export type UpgradeDecision = { kind: 'allow' } | { kind: 'reject'; status: 403 | 404; reason: string };

export interface UpgradeRequestFacts extends HttpRequestFacts {
  origin: string | undefined;
  bridgePath: string;
}

export function decideUpgrade(req: UpgradeRequestFacts): UpgradeDecision {
  const url = parseTarget(req.url);
  if (url === null || url.pathname !== req.bridgePath) return { kind: 'reject', status: 404, reason: 'path' };
  if (!isAllowedHost(req.host, req.port)) return { kind: 'reject', status: 403, reason: 'host' };
  if (!isAllowedOrigin(req.origin, req.host, req.port)) return { kind: 'reject', status: 403, reason: 'origin' };
  if (!hasSessionCookie(req.cookie, req.port, req.token)) return { kind: 'reject', status: 403, reason: 'token' };
  return { kind: 'allow' };
}

/** Request targets must be origin-form (`/path?query`); absolute-form and garbage are refused. */
export function parseTarget(target: string): URL | null {
  if (!target.startsWith('/') || target.startsWith('//')) return null;
  try {
    return new URL(target, 'http://placeholder');
  } catch {
    return null;
  }
}

/** Headers for every response: the same CSP as the Electron window plus the socket's own ws:// origin. */
export function securityHeaders(hostHeader: string): Record<string, string> {
  return {
    'content-security-policy': buildCsp({ connectSrc: [`ws://${hostHeader.toLowerCase()}`] }),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    // The printed URL carries the token: never let it leak through a Referer.
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

export const FORBIDDEN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Desk console: access denied</title></head>
<body><h1>Access denied</h1>
<p>Open the console with the URL printed by the desk host (<code>npm run serve</code>): it carries a one-time
access token for this launch. 请使用桌面主机启动时打印的链接打开控制台。</p></body></html>
`;
