import { describe, expect, it } from 'vitest';
import { IPC_EVENT, IPC_INVOKE } from '../../common/bridge';
import { createDeskClient, type DeskApi } from '../../common/contract';
import { installDeskInMainWorld } from '../../preload/main-world';
import { KIOSK_METHODS, surfaceArg, surfaceFromArgv } from '../../common/surfaces';
import { createSurfaceClient, restrictTransport } from '../../preload/surface';
import { createIpcTransport, type IpcLike } from '../../preload/transport';

type Listener = (event: unknown, ...args: unknown[]) => void;

/** A stand-in for ipcRenderer: records invokes, answers with a queued reply, lets the test emit events. */
function fakeIpc(reply: unknown) {
  const invokes: unknown[][] = [];
  const listeners = new Map<string, Set<Listener>>();
  const ipc: IpcLike = {
    invoke: async (...args) => {
      invokes.push(args);
      return reply;
    },
    on: (channel, listener) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener)),
    removeListener: (channel, listener) => listeners.get(channel)?.delete(listener),
  };
  const emit = (channel: string, ...args: unknown[]) => {
    for (const l of listeners.get(channel) ?? []) l({ sender: 'ipc-event-object' }, ...args);
  };
  return { ipc, invokes, emit, count: (channel: string) => listeners.get(channel)?.size ?? 0 };
}

describe('preload IPC transport', () => {
  it('invokes the one IPC channel with method and input and unwraps ok values', async () => {
    const fake = fakeIpc({ ok: true, value: { user: null, serverUrl: 'http://s' } });
    const desk = createDeskClient(createIpcTransport(fake.ipc));
    await expect(desk.session.me()).resolves.toEqual({ user: null, serverUrl: 'http://s' });
    await desk.tickets.list({ view: 'mine' });
    expect(fake.invokes).toEqual([
      [IPC_INVOKE, 'session.me', {}],
      [IPC_INVOKE, 'tickets.list', { view: 'mine' }],
    ]);
  });

  it('turns ok:false into a rejection carrying code and message', async () => {
    const error = { code: 'invalid_input', message: 'Invalid input for tickets.get', details: [{ path: ['id'] }] };
    const desk = createDeskClient(createIpcTransport(fakeIpc({ ok: false, error }).ipc));
    await expect(desk.tickets.get({ id: 'x' })).rejects.toEqual({ name: 'DeskError', ...error });
  });

  it('never passes a malformed error through', async () => {
    const desk = createDeskClient(createIpcTransport(fakeIpc({ ok: false, error: { weird: true } }).ipc));
    await expect(desk.session.me()).rejects.toMatchObject({ code: 'failed' });
  });

  it('delivers only the subscribed event, without the IPC event object, until unsubscribed', () => {
    const fake = fakeIpc(null);
    const desk = createDeskClient(createIpcTransport(fake.ipc));
    const seen: unknown[][] = [];
    const off = desk.on('tickets.changed', (...args) => seen.push(args));
    fake.emit(IPC_EVENT, 'sync.status', { state: 'online' });
    fake.emit(IPC_EVENT, 'tickets.changed', { ids: ['a'] });
    expect(seen).toEqual([[{ ids: ['a'] }]]);
    off();
    expect(fake.count(IPC_EVENT)).toBe(0);
    fake.emit(IPC_EVENT, 'tickets.changed', { ids: ['b'] });
    expect(seen).toHaveLength(1);
  });
});

describe('main-world installer', () => {
  /** Rebuilds the function from its source, as contextBridge.executeInMainWorld does: proves it is self-contained. */
  const serialised = new Function(`return (${installDeskInMainWorld.toString()})`)() as typeof installDeskInMainWorld;

  function install(reply: unknown) {
    const fake = fakeIpc(reply);
    const target: { desk?: DeskApi } = {};
    expect(
      serialised(createDeskClient(createIpcTransport(fake.ipc)) as unknown as Record<string, unknown>, target),
    ).toBe(true);
    return { desk: target.desk!, fake, target };
  }

  it('exposes the same API, frozen and read-only', async () => {
    const { desk, target } = install({ ok: true, value: 42 });
    await expect(desk.tickets.views()).resolves.toBe(42);
    expect(Object.isFrozen(desk)).toBe(true);
    expect(Object.isFrozen(desk.tickets)).toBe(true);
    expect(() => Object.assign(target, { desk: {} })).toThrow();
    expect(typeof desk.on).toBe('function');
  });

  it('turns failures back into Errors with code, message and details', async () => {
    const error = { code: 'invalid_credentials', message: 'Wrong username or password', details: { attempts: 1 } };
    const { desk } = install({ ok: false, error });
    const failure = await desk.session.login({ username: 'a', password: 'b' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).toMatchObject({ name: 'DeskError', ...error });
  });

  it('keeps the message of a transport Error (e.g. no handler yet) under code "failed"', async () => {
    const target: { desk?: DeskApi } = {};
    serialised({ session: { me: () => Promise.reject(new Error('No handler registered')) } }, target);
    await expect(target.desk!.session.me()).rejects.toMatchObject({ code: 'failed', message: 'No handler registered' });
    const other: { desk?: DeskApi } = {};
    serialised(
      {
        session: {
          me: () => {
            throw { code: 'sync', message: 'thrown synchronously' };
          },
        },
      },
      other,
    );
    await expect(other.desk!.session.me()).rejects.toMatchObject({ code: 'sync', message: 'thrown synchronously' });
  });
});

describe('preload allow-list per window (issue 11)', () => {
  const kioskArgv = ['/opt/electron', '--type=renderer', surfaceArg('kiosk')];
  const consoleArgv = ['/opt/electron', '--type=renderer', surfaceArg('console')];

  it('reads the window from the argument the main process appended, failing closed to the kiosk', () => {
    expect(surfaceFromArgv(consoleArgv)).toBe('console');
    expect(surfaceFromArgv(kioskArgv)).toBe('kiosk');
    expect(surfaceFromArgv(['/opt/electron'])).toBe('kiosk');
    expect(surfaceFromArgv(['--desk-surface=admin'])).toBe('kiosk');
    // A page cannot add a second, wider argument to win: two of them is no console.
    expect(surfaceFromArgv([surfaceArg('kiosk'), surfaceArg('console')])).toBe('kiosk');
  });

  it("gives the kiosk window's page only the kiosk's methods and events", async () => {
    const fake = fakeIpc({ ok: true, value: { user: null, serverUrl: 'http://s' } });
    const desk = createSurfaceClient(fake.ipc, kioskArgv) as unknown as Record<string, Record<string, unknown>>;
    const exposed = Object.entries(desk).flatMap(([ns, group]) =>
      typeof group === 'function' ? [] : Object.keys(group).map((member) => `${ns}.${member}`),
    );
    expect(exposed.sort()).toEqual([...KIOSK_METHODS].sort());
    expect(desk.tickets).toBeUndefined();
    expect(desk.calls).toBeUndefined();
    await expect((desk.session!.me as () => Promise<unknown>)()).resolves.toEqual({
      user: null,
      serverUrl: 'http://s',
    });
    expect(() => (desk.on as unknown as DeskApi['on'])('tickets.changed', () => {})).toThrow(/not available/);
    expect(() => (desk.on as unknown as DeskApi['on'])('session.changed', () => {})).not.toThrow();
    expect(fake.invokes).toEqual([[IPC_INVOKE, 'session.me', {}]]);
  });

  it('refuses, before IPC, a call or a subscription outside the allow-list', async () => {
    const fake = fakeIpc({ ok: true, value: [] });
    const kiosk = restrictTransport(createIpcTransport(fake.ipc), 'kiosk');
    await expect(kiosk.invoke('tickets.list', { view: 'all' })).rejects.toMatchObject({ code: 'forbidden' });
    expect(() => kiosk.subscribe('call.ringing', () => {})).toThrow(/not available/);
    expect(fake.invokes).toEqual([]);
    // The console window's page has the whole contract.
    const consoleDesk = createSurfaceClient(fake.ipc, consoleArgv);
    await consoleDesk.tickets.list({ view: 'mine' });
    expect(fake.invokes).toEqual([[IPC_INVOKE, 'tickets.list', { view: 'mine' }]]);
  });
});
