/**
 * Security and window decisions of the Electron shell as pure functions (DESIGN.md §8). main/app/index.ts only
 * wires them to Electron events, so everything that matters here is unit-tested under plain Node.
 * Only `import type` from electron: this module must load without the Electron runtime.
 */
import type { BrowserWindowConstructorOptions, CustomScheme, Input, WebPreferences } from 'electron';
import { SURFACE_PAGES, surfaceArg, type DeskSurface } from '../../common/surfaces';
import { UsageError, hasFlag, readFlag, resolveServerUrl } from '../shell/args';
import { buildCsp } from '../shell/csp';
import { resolveStaticFile, type StaticFile } from '../shell/static-files';

/** The renderer is served from a custom standard scheme, not file://, so it has a real origin and no file access. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'desk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Must be registered before `app` is ready: standard (real origin, relative URLs) and secure (like https). */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

/** A window shows one page for good: its mode is also its desk allow-list (common/surfaces). */
export type WindowMode = DeskSurface;

export function appUrl(mode: WindowMode): string {
  return `${APP_ORIGIN}${SURFACE_PAGES[mode]}`;
}

/**
 * True only for `app://desk/...`. Compared field by field because WHATWG URL reports origin "null" for
 * non-special schemes, and credentials or a port would make it a different origin.
 */
export function isOwnOrigin(url: string | null | undefined): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** The window may only ever show our own pages; links to anywhere else are refused, not opened. */
export function isAllowedNavigation(url: string): boolean {
  return isOwnOrigin(url);
}

/** IPC is accepted only from our own page's main frame: never from an iframe or a foreign page. */
export function isTrustedSender(sender: { senderUrl: string | null | undefined; isMainFrame: boolean }): boolean {
  return sender.isMainFrame && isOwnOrigin(sender.senderUrl);
}

/** Every permission (camera, notifications, clipboard read, geolocation…) is denied; the console needs none. */
export function decidePermission(_permission: string): boolean {
  return false;
}

export function cspHeader(): string {
  return buildCsp();
}

function secureWebPreferences(preloadPath: string, devTools: boolean, mode: WindowMode): WebPreferences {
  return {
    preload: preloadPath,
    // Tells the preload which allow-list to expose; the page cannot change its renderer's argv.
    additionalArguments: [surfaceArg(mode)],
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools,
  };
}

export function consoleWindowOptions(opts: {
  preloadPath: string;
  devTools: boolean;
}): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    show: false, // shown on ready-to-show, so the agent never sees a white flash
    title: '物业客服中心',
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences(opts.preloadPath, opts.devTools, 'console'),
  };
}

/** The lobby's full-screen windows: the kiosk, and the display (`--display`, a TV) locked down the same way. */
export function kioskWindowOptions(
  opts: { preloadPath: string },
  mode: Exclude<WindowMode, 'console'> = 'kiosk',
): BrowserWindowConstructorOptions {
  return {
    show: false,
    title: mode === 'display' ? '叫号屏' : '物业服务',
    backgroundColor: '#ffffff',
    kiosk: true,
    fullscreen: true,
    autoHideMenuBar: true,
    minimizable: false,
    webPreferences: secureWebPreferences(opts.preloadPath, false, mode),
  };
}

export interface WindowPlan {
  mode: WindowMode;
  url: string;
  options: BrowserWindowConstructorOptions;
  /** Kiosk: no application menu at all (it would offer reload, devtools, quit). */
  removeMenu: boolean;
  /** Kiosk: swallow devtools / reload / close shortcuts (see isBlockedKioskInput). */
  blockShortcuts: boolean;
}

export function windowPlan(mode: WindowMode, opts: { preloadPath: string; devTools: boolean }): WindowPlan {
  const kiosk = mode !== 'console';
  return {
    mode,
    url: appUrl(mode),
    options: mode === 'console' ? consoleWindowOptions(opts) : kioskWindowOptions(opts, mode),
    removeMenu: kiosk,
    blockShortcuts: kiosk,
  };
}

/**
 * Keys a kiosk user could use to reach devtools, reload away the session or leave the kiosk. OS-level shortcuts
 * (Alt+Tab, Ctrl+Alt+Del) never reach the page; locking those down is the kiosk machine's job.
 */
export function isBlockedKioskInput(input: Pick<Input, 'key' | 'control' | 'meta' | 'shift' | 'alt'>): boolean {
  const key = input.key.length === 1 ? input.key.toLowerCase() : input.key;
  const mod = input.control || input.meta;
  if (key === 'F12' || key === 'F11' || key === 'F5') return true; // devtools, fullscreen toggle, reload
  if (input.alt && key === 'F4') return true; // close window
  if (mod && input.shift && ['i', 'j', 'c'].includes(key)) return true; // devtools / console / inspector
  if (mod && input.alt && ['i', 'j'].includes(key)) return true; // macOS devtools
  if (mod && ['r', 'w', 'q'].includes(key)) return true; // reload, close, quit
  return false;
}

export function shouldCheckForUpdates(opts: { isPackaged: boolean; kiosk: boolean }): boolean {
  // Development builds have no update feed; kiosks (and displays) are updated by their operator, never mid-session.
  return opts.isPackaged && !opts.kiosk;
}

export interface AppArgs {
  kiosk: boolean;
  /** `--display`: the lobby display (叫号屏) full screen, locked down like the kiosk. */
  display: boolean;
  serverUrl: string;
  /** --profile DIR: becomes Electron's userData dir (desk cache, session, Chromium storage, single-instance lock). */
  profileDir: string | undefined;
}

/**
 * Reads our flags from process.argv. Electron's argv also holds the executable, the app path and Chromium
 * switches, so unknown arguments are ignored rather than rejected.
 */
export function parseAppArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): AppArgs {
  return {
    kiosk: hasFlag(argv, 'kiosk'),
    display: hasFlag(argv, 'display'),
    serverUrl: resolveServerUrl(readFlag(argv, 'server'), env),
    profileDir: readFlag(argv, 'profile'),
  };
}

export { UsageError };

/** Which renderer file answers an `app://` request; null (→ 404) for anything else, including other hosts. */
export function resolveAppRequest(requestUrl: string, rendererDir: string): StaticFile | null {
  if (!isOwnOrigin(requestUrl)) return null;
  const { pathname } = new URL(requestUrl);
  return resolveStaticFile(rendererDir, pathname);
}
