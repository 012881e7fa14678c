/**
 * The sandboxed preload: exposes `window.desk`, built from the contract over IPC, and nothing else
 * (no ipcRenderer, no Node, no generic send).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createDeskClient } from '../common/contract';
import { createIpcTransport } from './transport';

contextBridge.exposeInMainWorld('desk', createDeskClient(createIpcTransport(ipcRenderer)));
