/**
 * The sandboxed preload: gives the page `window.desk`, built from the contract over IPC, and nothing else
 * (no ipcRenderer, no Node, no generic send) — and for the kiosk window only the kiosk's methods (./surface).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { installDeskInMainWorld } from './main-world';
import { createSurfaceClient } from './surface';

const client = createSurfaceClient(ipcRenderer, process.argv);

let installed = false;
try {
  installed = contextBridge.executeInMainWorld({ func: installDeskInMainWorld, args: [client] }) === true;
} catch (err) {
  console.error('[preload] executeInMainWorld failed, exposing window.desk directly:', err);
}
// Fallback (executeInMainWorld is marked experimental): same API; failures then reject with plain
// {name, code, message, details} objects instead of Errors.
if (!installed) contextBridge.exposeInMainWorld('desk', client);
