/**
 * `window.desk` for one window's page (issue 11 §2): only the methods and events of the window's allow-list
 * (common/surfaces), chosen by the main process through process.argv — the kiosk window's page never even holds
 * the console's methods, and a call that names one anyway is refused before it reaches IPC. The main process
 * refuses it again (main/app). Kept free of the electron import so it is unit-tested under Node.
 */
import { createDeskClient, type DeskApi, type DeskTransport } from '../common/contract';
import {
  NOT_FOR_THIS_SURFACE,
  allowList,
  isEventAllowed,
  isMethodAllowed,
  surfaceFromArgv,
  type DeskSurface,
} from '../common/surfaces';
import { createIpcTransport, toFailure, type IpcLike } from './transport';

/** The transport behind the page's allow-list: other methods reject (forbidden), other events throw. */
export function restrictTransport(transport: DeskTransport, surface: DeskSurface): DeskTransport {
  return {
    invoke(method, input) {
      if (!isMethodAllowed(surface, method)) return Promise.reject(toFailure({ ...NOT_FOR_THIS_SURFACE }));
      return transport.invoke(method, input);
    },
    subscribe(event, listener) {
      if (!isEventAllowed(surface, event)) throw new Error(`Desk event not available here: ${event}`);
      return transport.subscribe(event, listener);
    },
  };
}

export function createSurfaceClient(ipc: IpcLike, argv: readonly string[]): DeskApi {
  const surface = surfaceFromArgv(argv);
  return createDeskClient(restrictTransport(createIpcTransport(ipc), surface), allowList(surface));
}
