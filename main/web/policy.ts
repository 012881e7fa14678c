/**
 * Security decisions of the browser host, as pure functions (the http/ws code in server.ts only wires them).
 *
 * Threat model: the desk host holds a logged-in session to the central server and listens on loopback. Anything
 * else running in the user's browser (another tab, a rebinding DNS name pointing at 127.0.0.1) must not be able
 * to read the console or drive the DeskApi. Hence: a per-launch token, good for one use, that the host trades for
 * a separate random session secret in an HttpOnly SameSite=Strict cookie (the printed URL, which lingers in shell
 * history, logs and the browser's history, is worthless afterwards); a Host allow-list (DNS rebinding) and an
 * Origin check on the WebSocket (cross-site WebSocket hijacking).
 *
 * The session also fixes which page it is for (issue 11 §2): opened at `/kiosk`, it is the kiosk's, and its
 * bridge connection reaches only the kiosk's methods (common/surfaces) — the host decides, not the page.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { DESK_SURFACES, SURFACE_PAGES, type DeskSurface } from '../../common/surfaces';
import { PAGE_FILES } from '../shell/static-files';
import { buildCsp } from '../shell/csp';

export const TOKEN_QUERY_PARAM = 'token';
/** The page a kiosk session is for; a session opened anywhere else is the console's. */
export const KIOSK_PAGE = SURFACE_PAGES.kiosk;

/** The surface a session opened at `pathname` is for: the lobby pages' own, the console's anywhere else. */
export function surfaceForPage(pathname: string): DeskSurface {
  return DESK_SURFACES.find((surface) => surface !== 'console' && SURFACE_PAGES[surface] === pathname) ?? 'console';
}

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
  return `desk_session_${port}`;
}

export function sessionCookie(port: number, secret: string): string {
  return `${cookieName(port)}=${secret}; Path=/; HttpOnly; SameSite=Strict`;
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

/** Sessions are kept by the secret's hash: looking one up reveals nothing about secrets by timing. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** What the host knows when it decides: its launch token (used or not) and its sessions. */
export interface HostState {
  /** The printed URL's token; `used` from its first exchange on. */
  launch: { token: string; used: boolean };
  /** The page a session secret's hash belongs to; undefined for none. */
  sessionSurface(hash: string): DeskSurface | undefined;
}

/** The page the request's session cookie belongs to, if it carries a live one. */
export function sessionOf(cookieHeader: string | undefined, port: number, state: HostState): DeskSurface | undefined {
  const secret = parseCookies(cookieHeader).get(cookieName(port));
  return secret ? state.sessionSurface(secretHash(secret)) : undefined;
}

export type HttpDecision =
  | { kind: 'forbidden'; reason: 'host' | 'token' | 'token_used' }
  /** The printed URL, first use: start a session for `surface` (cookie) and drop the token from the address bar. */
  | { kind: 'exchange'; surface: DeskSurface; location: string }
  /** Nothing to issue, somewhere else to go (a token this browser no longer needs; the kiosk's own page). */
  | { kind: 'redirect'; location: string }
  | { kind: 'allow'; surface: DeskSurface };

export interface HttpRequestFacts {
  /** Raw request target, e.g. `/?token=abc` or `/assets/index.js`. */
  url: string;
  host: string | undefined;
  cookie: string | undefined;
  port: number;
  state: HostState;
}

export function decideHttpRequest(req: HttpRequestFacts): HttpDecision {
  if (!isAllowedHost(req.host, req.port)) return { kind: 'forbidden', reason: 'host' };
  const url = parseTarget(req.url);
  if (url === null) return { kind: 'forbidden', reason: 'token' };
  const surface = sessionOf(req.cookie, req.port, req.state);
  const queryToken = url.searchParams.get(TOKEN_QUERY_PARAM);
  if (queryToken !== null) {
    url.searchParams.delete(TOKEN_QUERY_PARAM);
    const location = url.pathname + url.search;
    const { launch } = req.state;
    const isLaunchToken = tokenMatches(launch.token, queryToken);
    if (isLaunchToken && !launch.used) {
      return { kind: 'exchange', surface: surfaceForPage(url.pathname), location };
    }
    // The browser that holds the session opened the link again: it needs nothing new.
    if (surface) return { kind: 'redirect', location };
    return { kind: 'forbidden', reason: isLaunchToken ? 'token_used' : 'token' };
  }
  if (!surface) return { kind: 'forbidden', reason: 'token' };
  // A lobby session (kiosk, display) shows its own page only, never the agent console or the other lobby page.
  const ownPage = SURFACE_PAGES[surface];
  if (surface !== 'console' && url.pathname !== ownPage && Object.hasOwn(PAGE_FILES, url.pathname)) {
    return { kind: 'redirect', location: ownPage };
  }
  return { kind: 'allow', surface };
}

/**
 * Pages are read with GET or HEAD. Only a GET — a page load — may spend the launch token: a HEAD (a link preview,
 * say) must not use up the user's one use.
 */
export function isAllowedMethod(method: string | undefined, decision: HttpDecision): boolean {
  if (decision.kind === 'exchange') return method === 'GET';
  return method === 'GET' || method === 'HEAD';
}

export type UpgradeDecision =
  { kind: 'allow'; surface: DeskSurface } | { kind: 'reject'; status: 403 | 404; reason: string };

export interface UpgradeRequestFacts extends HttpRequestFacts {
  origin: string | undefined;
  bridgePath: string;
}

/** The bridge connection belongs to the session whose cookie opened it: that session's page fixes its methods. */
export function decideUpgrade(req: UpgradeRequestFacts): UpgradeDecision {
  const url = parseTarget(req.url);
  if (url === null || url.pathname !== req.bridgePath) return { kind: 'reject', status: 404, reason: 'path' };
  if (!isAllowedHost(req.host, req.port)) return { kind: 'reject', status: 403, reason: 'host' };
  if (!isAllowedOrigin(req.origin, req.host, req.port)) return { kind: 'reject', status: 403, reason: 'origin' };
  const surface = sessionOf(req.cookie, req.port, req.state);
  if (!surface) return { kind: 'reject', status: 403, reason: 'token' };
  return { kind: 'allow', surface };
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

/** The printed link, opened a second time by a browser without the session: it was good for one use. */
export const TOKEN_USED_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Desk console: link already used</title></head>
<body><h1>This link has already been used</h1>
<p>The console link printed by the desk host works once: the browser that opened it first holds the session.
Use that browser, or restart the desk host (<code>npm run serve</code> or <code>npm start</code>) for a new link.</p>
<h1 lang="zh-CN">此链接已使用过</h1>
<p lang="zh-CN">桌面主机打印的控制台链接只能使用一次：首次打开它的浏览器已持有会话。请使用该浏览器，或重新启动桌面主机
（<code>npm run serve</code> 或 <code>npm start</code>）以获得新链接。</p></body></html>
`;
