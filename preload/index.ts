/**
 * The sandboxed preload: gives the page `window.desk`, built from the contract over IPC, and nothing else
 * (no ipcRenderer, no Node, no generic send).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createDeskClient } from '../common/contract';
import { installDeskInMainWorld } from './main-world';
import { createIpcTransport } from './transport';

const client = createDeskClient(createIpcTransport(ipcRenderer));

let installed = false;
try {
  installed = contextBridge.executeInMainWorld({ func: installDeskInMainWorld, args: [client] }) === true;
} catch (err) {
  console.error('[preload] executeInMainWorld failed, exposing window.desk directly:', err);
}
// Fallback (executeInMainWorld is marked experimental): same API; failures then reject with plain
// {name, code, message, details} objects instead of Errors.
if (!installed) contextBridge.exposeInMainWorld('desk', client);
