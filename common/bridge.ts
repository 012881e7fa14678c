/**
 * Messages of the browser host's WebSocket bridge (main/web ↔ renderer): the DeskApi contract as JSON.
 * The Electron shell carries the same calls over IPC channels instead.
 */
import { z } from 'zod';
import { DeskError } from './contract';

/** Path of the bridge's WebSocket on the browser host. */
export const BRIDGE_PATH = '/desk';

/** IPC channels of the Electron shell. */
export const IPC_INVOKE = 'desk:invoke';
export const IPC_EVENT = 'desk:event';

export const BridgeCall = z.object({
  type: z.literal('call'),
  id: z.number().int(),
  method: z.string(),
  input: z.unknown(),
});
export type BridgeCall = z.infer<typeof BridgeCall>;

export const BridgeResult = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: DeskError }),
]);
export const BridgeEvent = z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() });
export const BridgeReply = z.union([BridgeResult, BridgeEvent]);
export type BridgeReply = z.infer<typeof BridgeReply>;
