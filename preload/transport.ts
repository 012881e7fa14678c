/**
 * The IPC transport behind the preload's `window.desk`. Kept free of the electron import so it is unit-tested
 * under Node with a fake ipcRenderer.
 */
import { IPC_EVENT, IPC_INVOKE } from '../common/bridge';
import { DeskError, type DeskTransport, type EventName, type MethodName } from '../common/contract';

/** The part of ipcRenderer the transport uses. */
export interface IpcLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * What a failed call rejects with in the isolated world. A plain object, not an Error: contextBridge copies an
 * Error with its message only (custom properties such as `code` are dropped), while a plain object crosses with
 * all its fields; ./main-world turns it back into an Error on the page's side.
 */
export interface DeskCallFailure extends DeskError {
  name: 'DeskError';
}

export function toFailure(error: DeskError): DeskCallFailure {
  return { name: 'DeskError', code: error.code, message: error.message, details: error.details };
}

export function createIpcTransport(ipc: IpcLike): DeskTransport {
  return {
    async invoke(method: MethodName, input: unknown) {
      const reply = (await ipc.invoke(IPC_INVOKE, method, input)) as
        { ok: true; value: unknown } | { ok: false; error: unknown };
      if (reply.ok) return reply.value;
      const error = DeskError.safeParse(reply.error);
      throw toFailure(error.success ? error.data : { code: 'failed', message: 'The desk call failed' });
    },
    subscribe(event: EventName, listener: (payload: unknown) => void) {
      // The IPC event object never reaches the page: it would expose the sender and ports.
      const onEvent = (_event: unknown, name: unknown, payload: unknown) => {
        if (name === event) listener(payload);
      };
      ipc.on(IPC_EVENT, onEvent);
      return () => {
        ipc.removeListener(IPC_EVENT, onEvent);
      };
    },
  };
}
