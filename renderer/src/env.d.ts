/// <reference types="vite/client" />
import type { DeskApi } from '../../common/contract';

declare global {
  interface Window {
    /** Provided by the Electron preload; absent in the browser host, where api/desk.ts builds its own. */
    desk?: DeskApi;
  }
}

export {};
