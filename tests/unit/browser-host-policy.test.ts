import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseServeArgs } from '../../main/web/args';
import {
  KIOSK_PAGE,
  cookieName,
  decideHttpRequest,
  decideUpgrade,
  isAllowedHost,
  isAllowedMethod,
  isAllowedOrigin,
  parseCookies,
  secretHash,
  securityHeaders,
  sessionCookie,
  sessionOf,
  tokenMatches,
  type HostState,
} from '../../main/web/policy';
import { parseCsp } from '../../main/shell/csp';
import { resolveStaticFile } from '../../main/shell/static-files';
import type { DeskSurface } from '../../common/surfaces';

const PORT = 5180;
const TOKEN = 'tok_0123456789abcdefghijklmnopqrstuvwxyz';
const SECRET = 'sec_zyxwvutsrqponmlkjihgfedcba9876543210';
const COOKIE = `${cookieName(PORT)}=${SECRET}`;

/** A host whose launch token is `used` or not, with one session (SECRET) for `surface`, or none. */
function hostState(used: boolean, surface: DeskSurface | null = null): HostState {
  return {
    launch: { token: TOKEN, used },
    sessionSurface: (hash) => (surface && hash === secretHash(SECRET) ? surface : undefined),
  };
}

describe('Host header (DNS rebinding)', () => {
  it('accepts only loopback names with our port', () => {
    expect(isAllowedHost('127.0.0.1:5180', PORT)).toBe(true);
    expect(isAllowedHost('localhost:5180', PORT)).toBe(true);
    expect(isAllowedHost('LOCALHOST:5180', PORT)).toBe(true);
  });

  it.each([
    undefined,
    '',
    'evil.example:5180',
    'evil.example',
    '127.0.0.1',
    '127.0.0.1:5181',
    'localhost',
    '[::1]:5180',
    '127.0.0.1:5180.evil.example',
    'localhost.:5180',
  ])('refuses %s', (host) => {
    expect(isAllowedHost(host, PORT)).toBe(false);
  });
});

describe('Origin (cross-site WebSocket hijacking)', () => {
  it('accepts the page origin that matches the Host', () => {
    expect(isAllowedOrigin('http://127.0.0.1:5180', '127.0.0.1:5180', PORT)).toBe(true);
    expect(isAllowedOrigin('http://localhost:5180', 'localhost:5180', PORT)).toBe(true);
  });

  it('refuses foreign, missing, opaque or mismatched origins', () => {
    expect(isAllowedOrigin('http://evil.example', '127.0.0.1:5180', PORT)).toBe(false);
    expect(isAllowedOrigin(undefined, '127.0.0.1:5180', PORT)).toBe(false);
    expect(isAllowedOrigin('null', '127.0.0.1:5180', PORT)).toBe(false);
    expect(isAllowedOrigin('https://127.0.0.1:5180', '127.0.0.1:5180', PORT)).toBe(false);
    expect(isAllowedOrigin('http://127.0.0.1:5181', '127.0.0.1:5180', PORT)).toBe(false);
    expect(isAllowedOrigin('http://localhost:5180', '127.0.0.1:5180', PORT)).toBe(false);
    expect(isAllowedOrigin('http://evil.example:5180', 'evil.example:5180', PORT)).toBe(false);
  });
});

describe('token and cookie', () => {
  it('compares tokens exactly', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(TOKEN, TOKEN.slice(0, -1))).toBe(false);
    expect(tokenMatches(TOKEN, `${TOKEN}x`)).toBe(false);
    expect(tokenMatches(TOKEN, '')).toBe(false);
    expect(tokenMatches(TOKEN, null)).toBe(false);
  });

  it('issues an HttpOnly SameSite=Strict cookie for path / named per port', () => {
    const cookie = sessionCookie(PORT, SECRET);
    expect(cookie).toMatch(new RegExp(`^${cookieName(PORT)}=${SECRET};`));
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookieName(5180)).not.toBe(cookieName(5181));
  });

  it('finds the session cookie among others, by its secret only', () => {
    const state = hostState(true, 'console');
    expect(parseCookies(`a=1; ${COOKIE}; b=2`).get(cookieName(PORT))).toBe(SECRET);
    expect(sessionOf(`a=1; ${COOKIE}`, PORT, state)).toBe('console');
    expect(sessionOf(`${cookieName(5181)}=${SECRET}`, PORT, state)).toBeUndefined();
    expect(sessionOf(`${cookieName(PORT)}=wrong`, PORT, state)).toBeUndefined();
    // The launch token is no session secret.
    expect(sessionOf(`${cookieName(PORT)}=${TOKEN}`, PORT, state)).toBeUndefined();
    expect(sessionOf(undefined, PORT, state)).toBeUndefined();
  });
});

describe('HTTP decisions', () => {
  const base = { host: '127.0.0.1:5180', cookie: undefined, port: PORT };

  it('trades the printed token URL, on first use, for a session of the page it opens', () => {
    expect(decideHttpRequest({ ...base, state: hostState(false), url: `/?token=${TOKEN}` })).toEqual({
      kind: 'exchange',
      surface: 'console',
      location: '/',
    });
    expect(decideHttpRequest({ ...base, state: hostState(false), url: `/kiosk?lang=en&token=${TOKEN}` })).toEqual({
      kind: 'exchange',
      surface: 'kiosk',
      location: '/kiosk?lang=en',
    });
  });

  it('refuses the token once used, with its own reason; the browser holding the session just drops it', () => {
    expect(decideHttpRequest({ ...base, state: hostState(true, 'console'), url: `/?token=${TOKEN}` })).toEqual({
      kind: 'forbidden',
      reason: 'token_used',
    });
    expect(
      decideHttpRequest({ ...base, cookie: COOKIE, state: hostState(true, 'console'), url: `/?token=${TOKEN}` }),
    ).toEqual({ kind: 'redirect', location: '/' });
  });

  it('refuses a wrong token, no cookie, and a bad Host even with the right token', () => {
    const state = hostState(false);
    expect(decideHttpRequest({ ...base, state, url: '/?token=nope' })).toEqual({ kind: 'forbidden', reason: 'token' });
    expect(decideHttpRequest({ ...base, state, url: '/' })).toEqual({ kind: 'forbidden', reason: 'token' });
    expect(decideHttpRequest({ ...base, state, url: '/assets/index.js' })).toEqual({
      kind: 'forbidden',
      reason: 'token',
    });
    // The launch token is not a cookie value.
    const asCookie = `${cookieName(PORT)}=${TOKEN}`;
    expect(decideHttpRequest({ ...base, state, cookie: asCookie, url: '/' })).toMatchObject({ kind: 'forbidden' });
    expect(decideHttpRequest({ ...base, state, host: 'evil.example:5180', url: `/?token=${TOKEN}` })).toEqual({
      kind: 'forbidden',
      reason: 'host',
    });
    const signedIn = hostState(true, 'console');
    expect(
      decideHttpRequest({ ...base, state: signedIn, host: 'evil.example:5180', cookie: COOKIE, url: '/' }),
    ).toMatchObject({ kind: 'forbidden', reason: 'host' });
  });

  it('allows requests carrying the session cookie, for its page', () => {
    const state = hostState(true, 'console');
    expect(decideHttpRequest({ ...base, state, cookie: COOKIE, url: '/' })).toEqual({
      kind: 'allow',
      surface: 'console',
    });
    expect(decideHttpRequest({ ...base, state, cookie: COOKIE, url: '/assets/a.css' })).toMatchObject({
      kind: 'allow',
    });
  });

  it('keeps a kiosk session on the kiosk page', () => {
    const state = hostState(true, 'kiosk');
    expect(decideHttpRequest({ ...base, state, cookie: COOKIE, url: '/' })).toEqual({
      kind: 'redirect',
      location: KIOSK_PAGE,
    });
    expect(decideHttpRequest({ ...base, state, cookie: COOKIE, url: KIOSK_PAGE })).toEqual({
      kind: 'allow',
      surface: 'kiosk',
    });
  });

  it("a session opened at /display is the display's, and each lobby session sees only its own page", () => {
    expect(decideHttpRequest({ ...base, state: hostState(false), url: `/display?token=${TOKEN}` })).toEqual({
      kind: 'exchange',
      surface: 'display',
      location: '/display',
    });
    const display = hostState(true, 'display');
    for (const url of ['/', KIOSK_PAGE]) {
      expect(decideHttpRequest({ ...base, state: display, cookie: COOKIE, url })).toEqual({
        kind: 'redirect',
        location: '/display',
      });
    }
    expect(decideHttpRequest({ ...base, state: display, cookie: COOKIE, url: '/display' })).toEqual({
      kind: 'allow',
      surface: 'display',
    });
    const kiosk = hostState(true, 'kiosk');
    expect(decideHttpRequest({ ...base, state: kiosk, cookie: COOKIE, url: '/display' })).toEqual({
      kind: 'redirect',
      location: KIOSK_PAGE,
    });
  });

  it('lets only a page load (GET) spend the token; pages are read with GET or HEAD', () => {
    const exchange = { kind: 'exchange', surface: 'console', location: '/' } as const;
    expect(isAllowedMethod('GET', exchange)).toBe(true);
    for (const method of ['HEAD', 'POST', undefined]) expect(isAllowedMethod(method, exchange)).toBe(false);
    const allow = { kind: 'allow', surface: 'console' } as const;
    expect(['GET', 'HEAD', 'POST', 'PUT'].map((m) => isAllowedMethod(m, allow))).toEqual([true, true, false, false]);
  });

  it('refuses absolute-form and protocol-relative targets', () => {
    const state = hostState(true, 'console');
    expect(decideHttpRequest({ ...base, state, cookie: COOKIE, url: 'http://evil.example/' }).kind).toBe('forbidden');
    expect(decideHttpRequest({ ...base, state, cookie: COOKIE, url: '//evil.example/' }).kind).toBe('forbidden');
  });
});

describe('WebSocket upgrade decisions', () => {
  const ok = {
    url: '/desk',
    host: '127.0.0.1:5180',
    origin: 'http://127.0.0.1:5180',
    cookie: COOKIE,
    port: PORT,
    state: hostState(true, 'console'),
    bridgePath: '/desk',
  };

  it('allows our page with the session cookie, tagged with the session’s page', () => {
    expect(decideUpgrade(ok)).toEqual({ kind: 'allow', surface: 'console' });
    expect(decideUpgrade({ ...ok, state: hostState(true, 'kiosk') })).toEqual({ kind: 'allow', surface: 'kiosk' });
  });

  it('refuses wrong path, Host, Origin or cookie', () => {
    expect(decideUpgrade({ ...ok, url: '/other' })).toMatchObject({ kind: 'reject', status: 404 });
    expect(decideUpgrade({ ...ok, host: 'evil.example:5180' })).toMatchObject({ status: 403, reason: 'host' });
    expect(decideUpgrade({ ...ok, origin: 'http://evil.example' })).toMatchObject({ status: 403, reason: 'origin' });
    expect(decideUpgrade({ ...ok, origin: undefined })).toMatchObject({ status: 403, reason: 'origin' });
    expect(decideUpgrade({ ...ok, cookie: undefined })).toMatchObject({ status: 403, reason: 'token' });
    // The query token only works for page loads, never for the socket.
    expect(
      decideUpgrade({ ...ok, state: hostState(false), cookie: undefined, url: `/desk?token=${TOKEN}` }),
    ).toMatchObject({
      status: 403,
      reason: 'token',
    });
  });
});

describe('security headers', () => {
  it('sends a CSP equivalent to the Electron one, plus our own ws:// origin', () => {
    const headers = securityHeaders('127.0.0.1:5180');
    const csp = parseCsp(headers['content-security-policy']!);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:5180']);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('static path resolution', () => {
  const root = resolve('/srv/renderer');

  it('maps the pages and assets', () => {
    expect(resolveStaticFile(root, '/')).toMatchObject({ file: join(root, 'index.html'), isPage: true });
    expect(resolveStaticFile(root, '/kiosk')).toMatchObject({ file: join(root, 'kiosk.html'), isPage: true });
    expect(resolveStaticFile(root, '/assets/index-abc.css')).toMatchObject({
      file: join(root, 'assets', 'index-abc.css'),
      contentType: 'text/css; charset=utf-8',
      isPage: false,
    });
    expect(resolveStaticFile(root, '/assets/fonts/x.woff2')?.contentType).toBe('font/woff2');
    expect(resolveStaticFile(root, '/assets/%E5%9B%BE.svg')?.file).toBe(join(root, 'assets', '图.svg'));
  });

  it.each([
    '/assets/../index.html',
    '/assets/../../etc/passwd',
    '/assets/%2e%2e/%2e%2e/etc/passwd',
    '/assets/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
    '/assets/..%5c..%5cwindows',
    '/assets/a\\..\\..\\b',
    '/assets/x%00.js',
    '/assets/%zz',
    '/assets/',
    '/assets//etc/passwd',
    '/assets/./a.js',
    '/index.html',
    '/kiosk.html',
    '/kiosk/',
    '/package.json',
    '/../package.json',
    '/main/web/server.ts',
  ])('refuses %s', (path) => {
    expect(resolveStaticFile(root, path)).toBeNull();
  });
});

describe('serve arguments', () => {
  it('has the documented defaults', () => {
    expect(parseServeArgs([], {})).toEqual({ port: 5180, serverUrl: 'http://127.0.0.1:4100', profileDir: undefined });
    expect(parseServeArgs([], { DESK_SERVER_URL: 'http://10.1.1.1:4100/' }).serverUrl).toBe('http://10.1.1.1:4100');
  });

  it('reads the flags', () => {
    expect(parseServeArgs(['--port', '0', '--server=http://s:1', '--profile', 'p'], {})).toEqual({
      port: 0,
      serverUrl: 'http://s:1',
      profileDir: resolve('p'),
    });
  });

  it('refuses bad values and unknown options', () => {
    expect(() => parseServeArgs(['--port', 'abc'], {})).toThrow(/port/);
    expect(() => parseServeArgs(['--port', '70000'], {})).toThrow(/port/);
    expect(() => parseServeArgs(['--port', '0x10'], {})).toThrow(/port/);
    expect(() => parseServeArgs(['--server', 'ftp://x'], {})).toThrow(/http/);
    expect(() => parseServeArgs(['--host', '0.0.0.0'], {})).toThrow(/Unknown option/);
  });
});
