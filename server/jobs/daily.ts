/**
 * A maintenance job that runs when the server starts (before it answers) and then every `intervalMs` (default a
 * day). A failure is logged and tried again at the next run; the timer never keeps the process alive.
 */
import type { FastifyInstance } from 'fastify';

export const DAY_MS = 86_400_000;

export function scheduleDaily(
  app: FastifyInstance,
  job: { name: string; run: () => Promise<void>; intervalMs?: number },
): void {
  let timer: NodeJS.Timeout | null = null;
  const run = async () => {
    try {
      await job.run();
    } catch (err) {
      app.log.error({ err }, `${job.name} failed`);
    }
  };
  app.addHook('onReady', async () => {
    await run();
    timer = setInterval(() => void run(), job.intervalMs ?? DAY_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
  });
}
