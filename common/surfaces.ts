/**
 * Which desk methods and events each kind of page may use (issue 11 §2). The agent console gets the whole contract;
 * the lobby kiosk — a shared screen any resident can touch — only its own. The allow-list is enforced where the
 * page cannot reach, and is fixed by who opened the page, never by the page itself: the Electron preload and main
 * process check the window (main/app, preload/), the browser host checks the session its bridge connection
 * belongs to (main/web) — like Element's preload, which exposes an allow-list and nothing else.
 */
import {
  EVENT_NAMES,
  METHOD_NAMES,
  dispatchDeskCall,
  isMethodName,
  type DeskHandlers,
  type EventName,
  type MethodName,
} from './contract';

export const DESK_SURFACES = ['console', 'kiosk', 'display'] as const;
export type DeskSurface = (typeof DESK_SURFACES)[number];

/**
 * The kiosk's desk methods: its three flows (take a number, report a repair, check a status) and signing the
 * lobby device in with a kiosk account. Each answers only what its screen shows.
 */
export const KIOSK_METHODS = [
  'session.me',
  'kiosk.signIn',
  'kiosk.takeNumber',
  'kiosk.reportRepair',
  'kiosk.checkStatus',
] as const satisfies readonly MethodName[];
/** The kiosk's events: no ticket, call or resident ever reaches its screen. */
export const KIOSK_EVENTS = ['session.changed'] as const satisfies readonly EventName[];

/** The lobby display (a TV): the queue board, live, and nothing else. */
export const DISPLAY_METHODS = ['session.me', 'kiosk.signIn', 'queue.board'] as const satisfies readonly MethodName[];
export const DISPLAY_EVENTS = ['session.changed', 'queue.changed'] as const satisfies readonly EventName[];

export interface SurfaceAllowList {
  methods: readonly MethodName[];
  events: readonly EventName[];
}

const ALLOW_LISTS: Readonly<Record<DeskSurface, SurfaceAllowList>> = {
  console: { methods: METHOD_NAMES, events: EVENT_NAMES },
  kiosk: { methods: KIOSK_METHODS, events: KIOSK_EVENTS },
  display: { methods: DISPLAY_METHODS, events: DISPLAY_EVENTS },
};

export function allowList(surface: DeskSurface): SurfaceAllowList {
  return ALLOW_LISTS[surface];
}

export function isMethodAllowed(surface: DeskSurface, method: unknown): method is MethodName {
  return (ALLOW_LISTS[surface].methods as readonly unknown[]).includes(method);
}

export function isEventAllowed(surface: DeskSurface, event: unknown): event is EventName {
  return (ALLOW_LISTS[surface].events as readonly unknown[]).includes(event);
}

/** What a refused call answers, the same from every shell. */
export const NOT_FOR_THIS_SURFACE = { code: 'forbidden', message: 'Not available on this screen' } as const;

/** dispatchDeskCall behind the page's allow-list: what the page may not call never reaches a handler. */
export function dispatchSurfaceCall(
  handlers: DeskHandlers,
  surface: DeskSurface,
  method: unknown,
  input: unknown,
): ReturnType<typeof dispatchDeskCall> {
  // A method of the contract this page may not call is refused; anything else is the contract's to answer.
  if (isMethodName(method) && !isMethodAllowed(surface, method)) {
    return Promise.resolve({ ok: false, error: { ...NOT_FOR_THIS_SURFACE } });
  }
  return dispatchDeskCall(handlers, method, input);
}

/**
 * How the Electron main process tells a window's preload which page it is for: one argument it appends to the
 * renderer's process.argv (webPreferences.additionalArguments), which the page cannot change.
 */
const SURFACE_ARG = '--desk-surface=';

export function surfaceArg(surface: DeskSurface): string {
  return `${SURFACE_ARG}${surface}`;
}

/** The window's surface; without a (valid) argument the kiosk's, a lobby screen's: a lost flag fails closed. */
export function surfaceFromArgv(argv: readonly string[]): DeskSurface {
  const named = argv.filter((arg) => arg.startsWith(SURFACE_ARG)).map((arg) => arg.slice(SURFACE_ARG.length));
  const only = named.length === 1 ? named[0] : undefined;
  return only === 'console' || only === 'display' ? only : 'kiosk';
}

/** The page each surface shows (browser host and Electron): a lobby session is sent to its own page only. */
export const SURFACE_PAGES: Readonly<Record<DeskSurface, string>> = {
  console: '/',
  kiosk: '/kiosk',
  display: '/display',
};
