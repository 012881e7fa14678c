/**
 * Lobby displays follow the queue live: each server node LISTENs on the queue channel and tells every live
 * socket it holds that the board changed (displays then fetch it; the message itself carries no data).
 */
import type { FastifyInstance } from 'fastify';
import { QUEUE_LIVE_TYPE } from '../../common/live';
import type { Db } from '../db/driver';
import { QUEUE_CHANNEL } from './queue';

export function registerQueueFanOut(app: FastifyInstance, db: Db): void {
  let unlisten: (() => Promise<void>) | null = null;
  app.addHook('onReady', async () => {
    unlisten = await db.listen(QUEUE_CHANNEL, () => void app.live.broadcast({ type: QUEUE_LIVE_TYPE }));
  });
  app.addHook('onClose', async () => {
    const stop = unlisten;
    unlisten = null;
    await stop?.().catch((err: unknown) => app.log.warn({ err }, 'queue unlisten failed'));
  });
}
