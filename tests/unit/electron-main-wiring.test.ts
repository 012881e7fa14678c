/**
 * main/app/index.ts against a fake `electron` module (the binary is absent here): checks that the wiring applies
 * the policy — window options, navigation / window.open / permission denial, IPC sender checks and validation,
 * event forwarding, kiosk shortcuts, clean quit.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_EVENT, IPC_INVOKE } from '../../common/bridge';
import { METHOD_NAMES, type DeskHandlers } from '../../common/contract';
import type { DeskEventListener, DeskHost } from '../../main/host';
import type { SecretStore } from '../../main/secrets/store';

type Fn = (...args: never[]) => unknown;

const fx = vi.hoisted(() => {
  const state = {
    appEvents: new Map<string, Fn>(),
    ipcHandlers: new Map<string, Fn>(),
    protocolHandlers: new Map<string, Fn>(),
    privileged: [] as unknown[],
    windows: [] as FakeWindow[],
    applicationMenu: undefined as unknown,
    permissionRequest: null as Fn | null,
    userData: '/tmp/electron-user-data',
    quit: 0,
    exitCode: null as number | null,
  };
  let nextContentsId = 1;
  class FakeContents {
    id = nextContentsId++;
    listeners = new Map<string, Fn>();
    sent: unknown[][] = [];
    openHandler: Fn | null = null;
    on(event: string, fn: Fn) {
      this.listeners.set(event, fn);
      return this;
    }
    send(...args: unknown[]) {
      this.sent.push(args);
    }
    setWindowOpenHandler(fn: Fn) {
      this.openHandler = fn;
    }
    closeDevTools() {}
  }
  class FakeWindow {
    webContents = new FakeContents();
    url = '';
    menuRemoved = false;
    constructor(public options: Record<string, unknown>) {
      state.windows.push(this);
      // Electron fires web-contents-created for every new contents.
      (state.appEvents.get('web-contents-created') as ((e: unknown, c: unknown) => void) | undefined)?.(
        {},
        this.webContents,
      );
    }
    static getAllWindows() {
      return state.windows;
    }
    loadURL(url: string) {
      this.url = url;
      return Promise.resolve();
    }
    once() {}
    on() {}
    removeMenu() {
      this.menuRemoved = true;
    }
    isDestroyed() {
      return false;
    }
  }
  return { state, FakeWindow };
});

vi.mock('electron', () => ({
  app: {
    on: (event: string, fn: Fn) => fx.state.appEvents.set(event, fn),
    whenReady: () => Promise.resolve(),
    requestSingleInstanceLock: () => true,
    setPath: (_name: string, path: string) => (fx.state.userData = path),
    getPath: () => fx.state.userData,
    isPackaged: false,
    quit: () => {
      fx.state.quit++;
      (fx.state.appEvents.get('before-quit') as ((e: unknown) => void) | undefined)?.({ preventDefault() {} });
    },
    exit: (code: number) => (fx.state.exitCode = code),
  },
  BrowserWindow: fx.FakeWindow,
  Menu: { setApplicationMenu: (menu: unknown) => (fx.state.applicationMenu = menu) },
  dialog: { showErrorBox: () => {} },
  ipcMain: {
    handle: (channel: string, fn: Fn) => fx.state.ipcHandlers.set(channel, fn),
    removeHandler: (channel: string) => fx.state.ipcHandlers.delete(channel),
  },
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => fx.state.privileged.push(...schemes),
    handle: (scheme: string, fn: Fn) => fx.state.protocolHandlers.set(scheme, fn),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (fn: Fn) => (fx.state.permissionRequest = fn),
      setPermissionCheckHandler: () => {},
    },
  },
  // An OS keyring that reverses the bytes: enough to see the shell seal with it.
  safeStorage: {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptString: (plain: string) => Buffer.from(plain, 'utf8').reverse(),
    decryptString: (sealed: Buffer) => Buffer.from(sealed).reverse().toString('utf8'),
  },
}));

const desk = vi.hoisted(() => ({
  calls: [] as Array<{ method: string; input: unknown }>,
  listeners: new Set<unknown>(),
  closed: 0,
  options: null as unknown,
}));

vi.mock('../../main/desk', () => ({
  createDesk: async (options: unknown): Promise<DeskHost> => {
    desk.options = options;
    const handlers = Object.fromEntries(
      METHOD_NAMES.map((m) => [
        m,
        async (input: unknown) => {
          desk.calls.push({ method: m, input });
          return { ok: m };
        },
      ]),
    ) as unknown as DeskHandlers;
    return {
      handlers,
      subscribe: (listener: DeskEventListener) => {
        desk.listeners.add(listener);
        return () => desk.listeners.delete(listener);
      },
      close: async () => {
        desk.closed++;
      },
    };
  },
}));

const originalArgv = process.argv;

async function boot(args: string[]) {
  process.argv = ['/usr/bin/electron', '/opt/desk', ...args];
  vi.resetModules();
  await import('../../main/app/index');
  await vi.waitFor(() => expect(fx.state.windows).toHaveLength(1));
  return fx.state.windows[0]!;
}

/** An IPC event from `window`'s main frame (or a sub-frame) showing `url`. */
function ipcEvent(window: { webContents: { id: number } }, url: string, isMainFrame = true) {
  return { sender: window.webContents, senderFrame: { url, parent: isMainFrame ? null : {} } };
}

const invoker = () => fx.state.ipcHandlers.get(IPC_INVOKE) as (e: unknown, m: unknown, i: unknown) => Promise<unknown>;

beforeEach(() => {
  Object.assign(fx.state, { windows: [], privileged: [], applicationMenu: undefined, quit: 0, exitCode: null });
  fx.state.appEvents.clear();
  fx.state.ipcHandlers.clear();
  Object.assign(desk, { calls: [], closed: 0, options: null });
  desk.listeners.clear();
});
afterEach(() => {
  process.argv = originalArgv;
});

describe('Electron main wiring (console)', () => {
  it('registers app:// before ready and opens a hardened console window on it', async () => {
    const window = await boot(['--server', 'http://10.0.0.2:4100', '--profile', '/tmp/desk-profile']);
    expect(fx.state.privileged).toMatchObject([{ scheme: 'app', privileges: { standard: true, secure: true } }]);
    expect(fx.state.protocolHandlers.has('app')).toBe(true);
    // The Electron shell runs the desk with its phone adapters (the local hook, baresip, AMI as set up).
    expect(desk.options).toEqual({
      profileDir: '/tmp/desk-profile',
      serverUrl: 'http://10.0.0.2:4100',
      phoneAdapters: expect.any(Function),
      secrets: expect.objectContaining({ kind: 'safeStorage' }) as SecretStore,
    });
    // The session token and the cache key are sealed by the OS keyring (safeStorage), not a key file.
    const { secrets } = desk.options as { secrets: SecretStore };
    const sealed = secrets.seal('token-123');
    expect(sealed).toBe(`ss1:${Buffer.from('321-nekot').toString('base64')}`);
    expect(secrets.open(sealed)).toBe('token-123');
    expect(window.url).toBe('app://desk/');
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(fx.state.applicationMenu).toBeUndefined();
  });

  it('denies navigation away, window.open and permissions', async () => {
    const window = await boot([]);
    const navigate = window.webContents.listeners.get('will-navigate') as (e: unknown) => void;
    const away = { url: 'https://evil.example/', preventDefault: vi.fn() };
    navigate(away);
    expect(away.preventDefault).toHaveBeenCalled();
    const inside = { url: 'app://desk/kiosk', preventDefault: vi.fn() };
    navigate(inside);
    expect(inside.preventDefault).not.toHaveBeenCalled();
    expect((window.webContents.openHandler as () => unknown)()).toEqual({ action: 'deny' });
    const granted = vi.fn();
    (fx.state.permissionRequest as (c: unknown, p: string, cb: (ok: boolean) => void) => void)({}, 'media', granted);
    expect(granted).toHaveBeenCalledWith(false);
  });

  it('answers IPC only for the own main frame of its own window, validating input', async () => {
    const window = await boot([]);
    expect(window.options.webPreferences).toMatchObject({ additionalArguments: ['--desk-surface=console'] });
    const invoke = invoker();
    await expect(invoke(ipcEvent(window, 'app://desk/'), 'session.me', {})).resolves.toEqual({
      ok: true,
      value: { ok: 'session.me' },
    });
    await expect(invoke(ipcEvent(window, 'https://evil.example/'), 'session.me', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    await expect(invoke(ipcEvent(window, 'app://desk/', false), 'session.me', {})).resolves.toMatchObject({
      error: { code: 'forbidden' },
    });
    await expect(invoke({ sender: window.webContents, senderFrame: null }, 'session.me', {})).resolves.toMatchObject({
      error: { code: 'forbidden' },
    });
    // Web contents that are none of our windows (a stray webview, say) have no allow-list at all.
    const stranger = { webContents: { id: 10_000 } };
    await expect(invoke(ipcEvent(stranger, 'app://desk/'), 'session.me', {})).resolves.toMatchObject({
      error: { code: 'forbidden' },
    });
    await expect(invoke(ipcEvent(window, 'app://desk/'), 'tickets.get', { id: 'nope' })).resolves.toMatchObject({
      error: { code: 'invalid_input' },
    });
    expect(desk.calls).toEqual([{ method: 'session.me', input: {} }]);
  });

  it('forwards desk events to the window and closes the desk once on quit', async () => {
    const window = await boot([]);
    for (const listener of desk.listeners) (listener as DeskEventListener)('tickets.changed', { ids: ['a'] });
    expect(window.webContents.sent).toEqual([[IPC_EVENT, 'tickets.changed', { ids: ['a'] }]]);
    const beforeQuit = fx.state.appEvents.get('before-quit') as (e: unknown) => void;
    const event = { preventDefault: vi.fn() };
    beforeQuit(event);
    beforeQuit({ preventDefault: vi.fn() });
    expect(event.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(fx.state.quit).toBe(1));
    expect(desk.closed).toBe(1);
    expect(fx.state.ipcHandlers.has(IPC_INVOKE)).toBe(false);
  });

  it('serves nothing for foreign hosts on the app scheme', async () => {
    await boot([]);
    const handler = fx.state.protocolHandlers.get('app') as (r: { url: string }) => Promise<Response>;
    expect((await handler({ url: 'app://elsewhere/' })).status).toBe(404);
    expect((await handler({ url: 'app://desk/assets/%2e%2e/%2e%2e/package.json' })).status).toBe(404);
  });
});

describe('Electron main wiring (kiosk)', () => {
  it('opens the kiosk page without menu or devtools and swallows escape shortcuts', async () => {
    const window = await boot(['--kiosk']);
    expect(window.url).toBe('app://desk/kiosk');
    expect(window.options).toMatchObject({ kiosk: true, webPreferences: { devTools: false } });
    expect(fx.state.applicationMenu).toBeNull();
    expect(window.menuRemoved).toBe(true);
    const onInput = window.webContents.listeners.get('before-input-event') as (e: unknown, i: unknown) => void;
    const f12 = { preventDefault: vi.fn() };
    onInput(f12, { key: 'F12', control: false, meta: false, shift: false, alt: false });
    expect(f12.preventDefault).toHaveBeenCalled();
    const typing = { preventDefault: vi.fn() };
    onInput(typing, { key: 'a', control: false, meta: false, shift: false, alt: false });
    expect(typing.preventDefault).not.toHaveBeenCalled();
  });

  it("refuses the console's methods from the kiosk window, whatever page it shows, and sends it no console event", async () => {
    const window = await boot(['--kiosk']);
    expect(window.options.webPreferences).toMatchObject({ additionalArguments: ['--desk-surface=kiosk'] });
    const invoke = invoker();
    for (const url of ['app://desk/kiosk', 'app://desk/']) {
      for (const method of ['tickets.list', 'tickets.search', 'calls.pop', 'residents.lookup', 'session.logout']) {
        await expect(invoke(ipcEvent(window, url), method, {})).resolves.toMatchObject({
          ok: false,
          error: { code: 'forbidden' },
        });
      }
    }
    await expect(invoke(ipcEvent(window, 'app://desk/kiosk'), 'session.me', {})).resolves.toMatchObject({ ok: true });
    expect(desk.calls).toEqual([{ method: 'session.me', input: {} }]);

    for (const listener of desk.listeners) {
      (listener as DeskEventListener)('tickets.changed', { ids: ['a'] });
      (listener as DeskEventListener)('session.changed', { user: null, serverUrl: 'http://s' });
    }
    expect(window.webContents.sent).toEqual([[IPC_EVENT, 'session.changed', { user: null, serverUrl: 'http://s' }]]);
  });
});
