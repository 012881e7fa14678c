import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  APP_ORIGIN,
  APP_SCHEME_PRIVILEGES,
  appUrl,
  consoleWindowOptions,
  cspHeader,
  decidePermission,
  isAllowedNavigation,
  isBlockedKioskInput,
  isTrustedSender,
  kioskWindowOptions,
  parseAppArgs,
  resolveAppRequest,
  shouldCheckForUpdates,
  windowPlan,
} from '../../main/app/policy';
import { parseCsp } from '../../main/shell/csp';

const PRELOAD = '/opt/desk/out/preload/index.cjs';

describe('navigation', () => {
  it('allows only the app origin', () => {
    expect(isAllowedNavigation('app://desk/')).toBe(true);
    expect(isAllowedNavigation('app://desk/kiosk')).toBe(true);
    expect(isAllowedNavigation('app://desk/assets/index-abc.js')).toBe(true);
  });

  it.each([
    'https://example.com/',
    'http://127.0.0.1:5180/',
    'file:///etc/passwd',
    'app://evil/',
    'app://desk.evil.example/',
    'app://desk:8080/',
    'app://user:pw@desk/',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'about:blank',
    'devtools://devtools/bundled/inspector.html',
    'not a url',
    '',
  ])('refuses %s', (url) => {
    expect(isAllowedNavigation(url)).toBe(false);
  });
});

describe('IPC sender', () => {
  it('trusts the main frame of our own page', () => {
    expect(isTrustedSender({ senderUrl: 'app://desk/', isMainFrame: true })).toBe(true);
    expect(isTrustedSender({ senderUrl: 'app://desk/kiosk', isMainFrame: true })).toBe(true);
  });

  it('refuses sub-frames, foreign pages and unknown senders', () => {
    expect(isTrustedSender({ senderUrl: 'app://desk/', isMainFrame: false })).toBe(false);
    expect(isTrustedSender({ senderUrl: 'https://evil.example/', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ senderUrl: 'file:///tmp/x.html', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ senderUrl: null, isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ senderUrl: undefined, isMainFrame: true })).toBe(false);
  });
});

describe('window options', () => {
  for (const [name, options] of [
    ['console', consoleWindowOptions({ preloadPath: PRELOAD, devTools: true })],
    ['kiosk', kioskWindowOptions({ preloadPath: PRELOAD })],
  ] as const) {
    it(`${name}: isolated, sandboxed, no Node`, () => {
      const prefs = options.webPreferences!;
      expect(prefs.contextIsolation).toBe(true);
      expect(prefs.sandbox).toBe(true);
      expect(prefs.nodeIntegration).toBe(false);
      expect(prefs.nodeIntegrationInWorker).toBe(false);
      expect(prefs.nodeIntegrationInSubFrames).toBe(false);
      expect(prefs.webSecurity).toBe(true);
      expect(prefs.allowRunningInsecureContent).toBe(false);
      expect(prefs.webviewTag).toBe(false);
      expect(prefs.preload).toBe(PRELOAD);
    });
  }

  it('kiosk: kiosk mode, fullscreen, no devtools, no menu, shortcuts blocked', () => {
    const kiosk = kioskWindowOptions({ preloadPath: PRELOAD });
    expect(kiosk.kiosk).toBe(true);
    expect(kiosk.fullscreen).toBe(true);
    expect(kiosk.webPreferences!.devTools).toBe(false);
    const plan = windowPlan('kiosk', { preloadPath: PRELOAD, devTools: true });
    expect(plan.options.webPreferences!.devTools).toBe(false); // devTools:true is ignored for a kiosk
    expect(plan.removeMenu).toBe(true);
    expect(plan.blockShortcuts).toBe(true);
    expect(plan.url).toBe(`${APP_ORIGIN}/kiosk`);
  });

  it('console: devtools only as asked (off when packaged), normal window', () => {
    expect(consoleWindowOptions({ preloadPath: PRELOAD, devTools: false }).webPreferences!.devTools).toBe(false);
    const plan = windowPlan('console', { preloadPath: PRELOAD, devTools: false });
    expect(plan.options.kiosk).toBeUndefined();
    expect(plan.removeMenu).toBe(false);
    expect(plan.blockShortcuts).toBe(false);
    expect(plan.url).toBe(appUrl('console'));
    expect(isAllowedNavigation(plan.url)).toBe(true);
  });
});

describe('CSP', () => {
  const csp = parseCsp(cspHeader());

  it('allows scripts from our own origin only, never unsafe-*', () => {
    expect(csp.get('script-src')).toEqual(["'self'"]);
    for (const sources of csp.values()) {
      expect(sources.filter((s) => s.startsWith("'unsafe-"))).toEqual([]);
    }
  });

  it('locks down the rest', () => {
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
  });
});

describe('protocol', () => {
  const dir = '/opt/desk/out/renderer';

  it('registers app:// as a standard, secure scheme', () => {
    expect(APP_SCHEME_PRIVILEGES.scheme).toBe('app');
    expect(APP_SCHEME_PRIVILEGES.privileges?.standard).toBe(true);
    expect(APP_SCHEME_PRIVILEGES.privileges?.secure).toBe(true);
  });

  it('serves pages and assets of the renderer', () => {
    expect(resolveAppRequest('app://desk/', dir)?.file).toBe(join(dir, 'index.html'));
    expect(resolveAppRequest('app://desk/kiosk', dir)?.file).toBe(join(dir, 'kiosk.html'));
    const asset = resolveAppRequest('app://desk/assets/index-abc.js', dir);
    expect(asset?.file).toBe(join(dir, 'assets', 'index-abc.js'));
    expect(asset?.contentType).toMatch(/^text\/javascript/);
  });

  it('refuses other hosts and escapes from the renderer directory', () => {
    expect(resolveAppRequest('app://other/', dir)).toBeNull();
    expect(resolveAppRequest('app://desk/assets/%2e%2e/%2e%2e/package.json', dir)).toBeNull();
    expect(resolveAppRequest('app://desk/assets/..%2f..%2fpackage.json', dir)).toBeNull();
    expect(resolveAppRequest('app://desk/../main/index.js', dir)).toBeNull();
    expect(resolveAppRequest('app://desk/index.html.map', dir)).toBeNull();
  });
});

describe('permissions, updates, kiosk keys', () => {
  it('denies every permission', () => {
    for (const p of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'unknown']) {
      expect(decidePermission(p)).toBe(false);
    }
  });

  it('checks for updates only when packaged and not a kiosk', () => {
    expect(shouldCheckForUpdates({ isPackaged: true, kiosk: false })).toBe(true);
    expect(shouldCheckForUpdates({ isPackaged: true, kiosk: true })).toBe(false);
    expect(shouldCheckForUpdates({ isPackaged: false, kiosk: false })).toBe(false);
  });

  const key = (k: string, mods: Partial<Record<'control' | 'meta' | 'shift' | 'alt', boolean>> = {}) => ({
    key: k,
    control: false,
    meta: false,
    shift: false,
    alt: false,
    ...mods,
  });

  it('blocks devtools, reload and escape shortcuts in the kiosk', () => {
    expect(isBlockedKioskInput(key('F12'))).toBe(true);
    expect(isBlockedKioskInput(key('I', { control: true, shift: true }))).toBe(true);
    expect(isBlockedKioskInput(key('J', { control: true, shift: true }))).toBe(true);
    expect(isBlockedKioskInput(key('i', { meta: true, alt: true }))).toBe(true);
    expect(isBlockedKioskInput(key('F4', { alt: true }))).toBe(true);
    expect(isBlockedKioskInput(key('r', { control: true }))).toBe(true);
    expect(isBlockedKioskInput(key('w', { control: true }))).toBe(true);
    expect(isBlockedKioskInput(key('q', { meta: true }))).toBe(true);
    expect(isBlockedKioskInput(key('F5'))).toBe(true);
    expect(isBlockedKioskInput(key('F11'))).toBe(true);
  });

  it('lets ordinary typing through', () => {
    expect(isBlockedKioskInput(key('a'))).toBe(false);
    expect(isBlockedKioskInput(key('I', { shift: true }))).toBe(false);
    expect(isBlockedKioskInput(key('c', { control: true }))).toBe(false); // copy
    expect(isBlockedKioskInput(key('v', { control: true }))).toBe(false); // paste
    expect(isBlockedKioskInput(key('Enter'))).toBe(false);
    expect(isBlockedKioskInput(key('Escape'))).toBe(false); // closes the kiosk's own dialogs
  });
});

describe('arguments', () => {
  const electronArgv = ['/usr/lib/electron/electron', '/opt/desk'];

  it('defaults: console window, local server', () => {
    expect(parseAppArgs(electronArgv, {})).toEqual({
      kiosk: false,
      display: false,
      serverUrl: 'http://127.0.0.1:4100',
      profileDir: undefined,
    });
  });

  it('reads --kiosk, --server, --profile in both spellings, ignoring Chromium switches', () => {
    const args = parseAppArgs(
      [...electronArgv, '--no-sandbox', '--kiosk', '--server', 'https://desk.example.com/', '--profile=/tmp/p'],
      {},
    );
    expect(args).toEqual({ kiosk: true, display: false, serverUrl: 'https://desk.example.com', profileDir: '/tmp/p' });
  });

  it('--display: the lobby display, full screen and locked down like the kiosk, with only the board', () => {
    expect(parseAppArgs([...electronArgv, '--display'], {}).display).toBe(true);
    const plan = windowPlan('display', { preloadPath: PRELOAD, devTools: true });
    expect(plan.url).toBe(`${APP_ORIGIN}/display`);
    expect(plan.options.kiosk).toBe(true);
    expect(plan.options.webPreferences!.devTools).toBe(false);
    expect(plan.options.webPreferences!.additionalArguments).toEqual(['--desk-surface=display']);
    expect([plan.removeMenu, plan.blockShortcuts]).toEqual([true, true]);
  });

  it('uses DESK_SERVER_URL when --server is absent, and --server over it', () => {
    expect(parseAppArgs(electronArgv, { DESK_SERVER_URL: 'http://10.0.0.5:4100' }).serverUrl).toBe(
      'http://10.0.0.5:4100',
    );
    expect(
      parseAppArgs([...electronArgv, '--server=http://a:1'], { DESK_SERVER_URL: 'http://10.0.0.5:4100' }).serverUrl,
    ).toBe('http://a:1');
  });

  it('refuses a server URL that is not http(s) and flags without values', () => {
    expect(() => parseAppArgs([...electronArgv, '--server', 'file:///etc'], {})).toThrow(/http/);
    expect(() => parseAppArgs([...electronArgv, '--server', 'nonsense'], {})).toThrow(/URL/);
    expect(() => parseAppArgs([...electronArgv, '--profile'], {})).toThrow(/needs a value/);
    expect(() => parseAppArgs([...electronArgv, '--server', '--kiosk'], {})).toThrow(/needs a value/);
  });
});
