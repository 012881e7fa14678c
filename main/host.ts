/** What a shell (Electron IPC or the browser host's WebSocket) needs from the composed desk services. */
import type { AdapterFactory } from './cti/phone';
import type { SecretStore } from './secrets/store';
import type { DeskHandlers, EventName, EventPayload } from '../common/contract';

export type DeskEventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface DeskHost {
  /** One handler per contract method; callers validate input with `dispatchDeskCall` first. */
  handlers: DeskHandlers;
  /** Every event the host pushes, to every listener; returns the unsubscribe function. */
  subscribe(listener: DeskEventListener): () => void;
  close(): Promise<void>;
}

export interface DeskHostOptions {
  /** Directory holding the local cache and the session (the Electron userData dir or `--profile`). */
  profileDir: string;
  /** Central server base URL, e.g. http://127.0.0.1:4100 */
  serverUrl: string;
  /**
   * Seals the session token and the cache key at rest: the Electron shell's uses the OS store (safeStorage), the
   * browser host's a key file in the profile. Default: the key file.
   */
  secrets?: SecretStore;
  /**
   * better-sqlite3-multiple-ciphers' addon built for the running ABI. Electron needs its own build
   * (scripts/electron-native.mjs) while Node keeps the one in node_modules; unset means the default.
   */
  sqliteNativeBinding?: string;
  /** The local phone adapters (main/cti/adapters createPhoneAdapters); absent: none (tests). */
  phoneAdapters?: AdapterFactory;
}
