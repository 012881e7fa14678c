/**
 * The one DeskApi instance the renderer talks to: the Electron preload's `window.desk` when present,
 * otherwise a WebSocket client to the browser host (same origin; it authenticates us by cookie).
 */
import { BRIDGE_PATH } from '../../../common/bridge';
import { createDeskClient, type DeskApi } from '../../../common/contract';
import { createWsTransport } from './wsTransport';

function bridgeUrl(): string {
  const protocol = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${protocol}://${location.host}${BRIDGE_PATH}`;
}

type ReconnectSubscriber = (listener: () => void) => () => void;

function createDesk(): { desk: DeskApi; onReconnect: ReconnectSubscriber } {
  if (window.desk) return { desk: window.desk, onReconnect: () => () => {} };
  const transport = createWsTransport({ url: bridgeUrl() });
  return { desk: createDeskClient(transport), onReconnect: transport.onReconnect };
}

const created = createDesk();

export const desk: DeskApi = created.desk;

/** Subscribes to "the bridge came back after a drop" (never fires under Electron IPC). */
export const onDeskReconnect: ReconnectSubscriber = created.onReconnect;
