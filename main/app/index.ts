/**
 * Electron main process: start-up wiring in one readable place. Decisions come from ./policy; behaviour from the
 * desk host (../desk). This file only connects Electron events to them.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BrowserWindow, Menu, app, dialog, ipcMain, protocol, safeStorage, session, type WebContents } from 'electron';
import { IPC_EVENT, IPC_INVOKE } from '../../common/bridge';
import { dispatchSurfaceCall, isEventAllowed, type DeskSurface } from '../../common/surfaces';
import { createPhoneAdapters } from '../cti/adapters';
import { createDesk } from '../desk';
import type { DeskHost } from '../host';
import { createKeyFileSecretStore } from '../secrets/key-file';
import {
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  UsageError,
  cspHeader,
  decidePermission,
  isAllowedNavigation,
  isBlockedKioskInput,
  isTrustedSender,
  parseAppArgs,
  resolveAppRequest,
  windowPlan,
  type AppArgs,
  type WindowPlan,
} from './policy';
import { createSafeStorageSecretStore } from './safe-storage';
import { startUpdater } from './updater';

// Built layout: out/main/index.js, out/preload/index.cjs, out/renderer/.
const PRELOAD_PATH = join(import.meta.dirname, '../preload/index.cjs');
const RENDERER_DIR = join(import.meta.dirname, '../renderer');

let mainWindow: BrowserWindow | null = null;
let desk: DeskHost | null = null;
/** The allow-list of each of our windows, by its web contents (common/surfaces); any other sender has none. */
const windowSurfaces = new Map<number, DeskSurface>();

function main(): void {
  let args: AppArgs;
  try {
    args = parseAppArgs(process.argv, process.env);
  } catch (err) {
    console.error(`Error: ${err instanceof UsageError ? err.message : String(err)}`);
    app.exit(2);
    return;
  }
  // Before anything touches userData: the profile also scopes the single-instance lock.
  if (args.profileDir) app.setPath('userData', resolve(args.profileDir));
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

  if (!app.requestSingleInstanceLock()) {
    app.quit(); // another console already runs on this profile; it gets focused via 'second-instance'
    return;
  }
  app.on('second-instance', focusMainWindow);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => app.quit());
  closeDeskBeforeQuit();

  app
    .whenReady()
    .then(() => start(args))
    .catch((err: unknown) => {
      console.error('[app] start-up failed:', err);
      dialog.showErrorBox('物业客服中心 / Service desk', `The console could not start:\n${String(err)}`);
      app.exit(1);
    });
}

async function start(args: AppArgs): Promise<void> {
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(decidePermission(permission)),
  );
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => decidePermission(permission));
  protocol.handle(APP_SCHEME, serveRendererFile);

  const profileDir = app.getPath('userData');
  const host = await createDesk({
    profileDir,
    serverUrl: args.serverUrl,
    secrets: createSafeStorageSecretStore(safeStorage, createKeyFileSecretStore(profileDir)),
    sqliteNativeBinding: process.env.DESK_SQLITE_BINDING,
    phoneAdapters: createPhoneAdapters(),
  });
  desk = host;
  registerDeskIpc(host);

  const mode = args.kiosk ? 'kiosk' : args.display ? 'display' : 'console';
  const plan = windowPlan(mode, { preloadPath: PRELOAD_PATH, devTools: !app.isPackaged });
  if (plan.removeMenu) Menu.setApplicationMenu(null);
  mainWindow = createWindow(plan);
  startUpdater({ isPackaged: app.isPackaged, kiosk: mode !== 'console' });
}

/** `app://desk/...` → a file of the built renderer, with the CSP on every response. */
async function serveRendererFile(request: Request): Promise<Response> {
  const file = resolveAppRequest(request.url, RENDERER_DIR);
  const body = file && (await readFile(file.file).catch(() => null));
  if (!file || !body) return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
  return new Response(new Uint8Array(body), {
    status: 200,
    headers: {
      'content-type': file.contentType,
      'content-security-policy': cspHeader(),
      'x-content-type-options': 'nosniff',
    },
  });
}

/** Applied to every web contents Electron creates, so no window can escape the policy. */
function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    if (!isAllowedNavigation(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAllowedNavigation(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function createWindow(plan: WindowPlan): BrowserWindow {
  const window = new BrowserWindow(plan.options);
  const contentsId = window.webContents.id;
  windowSurfaces.set(contentsId, plan.mode);
  if (plan.removeMenu) window.removeMenu();
  if (plan.blockShortcuts) {
    window.webContents.on('before-input-event', (event, input) => {
      if (isBlockedKioskInput(input)) event.preventDefault();
    });
    // devTools is off in webPreferences; this only covers a future regression.
    window.webContents.on('devtools-opened', () => window.webContents.closeDevTools());
  }
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    windowSurfaces.delete(contentsId);
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(plan.url);
  return window;
}

/**
 * One channel for every DeskApi call: sender checked here, then the sender window's allow-list (the kiosk
 * window reaches only the kiosk's methods, whatever its preload was talked into), payload validated by the contract.
 */
function registerDeskIpc(host: DeskHost): void {
  ipcMain.handle(IPC_INVOKE, async (event, method: unknown, input: unknown) => {
    const frame = event.senderFrame;
    const isMainFrame = frame?.parent === null;
    const surface = windowSurfaces.get(event.sender.id);
    if (!frame || !surface || !isTrustedSender({ senderUrl: frame.url, isMainFrame })) {
      const from = frame ? `${frame.url}${isMainFrame ? '' : ' (sub-frame)'}` : 'a destroyed frame';
      console.warn(`[app] refused IPC ${String(method)} from ${from}`);
      return { ok: false, error: { code: 'forbidden', message: 'Untrusted IPC sender' } };
    }
    return dispatchSurfaceCall(host.handlers, surface, method, input);
  });
  host.subscribe((name, payload) => {
    for (const window of BrowserWindow.getAllWindows()) {
      if (window.isDestroyed()) continue;
      const surface = windowSurfaces.get(window.webContents.id);
      if (surface && isEventAllowed(surface, name)) window.webContents.send(IPC_EVENT, name, payload);
    }
  });
}

function focusMainWindow(): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

/** Quit waits for the desk to close (cache flushed, sockets closed), once. */
function closeDeskBeforeQuit(): void {
  let closed = false;
  let closing = false;
  app.on('before-quit', (event) => {
    if (closed || !desk) return;
    event.preventDefault();
    if (closing) return;
    closing = true;
    ipcMain.removeHandler(IPC_INVOKE);
    desk
      .close()
      .catch((err: unknown) => console.error('[app] desk close failed:', err))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });
}

main();
