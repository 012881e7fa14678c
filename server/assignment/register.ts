/**
 * Everything auto-assignment adds to a server, registered with one call from server/app.ts: the routes, the
 * periodic sweep (escalations, and a drain of every automatic queue) and the live fan-out of new escalations to
 * the leads' and admins' consoles connected to this node.
 */
import type { FastifyInstance } from 'fastify';
import { ESCALATION_LIVE_TYPE } from '../../common/assignment';
import type { ServerDeps } from '../http/context';
import { scheduleDaily } from '../jobs/daily';
import { ESCALATIONS_CHANNEL, sweepAssignments } from './escalation';
import { registerAssignmentRoutes } from './routes';

/** How often the sweep looks for overdue steps (every minute: escalation limits are whole minutes). */
export const ASSIGNMENT_SWEEP_INTERVAL_MS = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function registerAssignment(app: FastifyInstance, deps: ServerDeps): void {
  registerAssignmentRoutes(app, deps);
  scheduleDaily(app, {
    name: 'assignment sweep',
    run: async () => void (await sweepAssignments(deps.db, deps.now())),
    intervalMs: ASSIGNMENT_SWEEP_INTERVAL_MS,
  });
  let unlisten: (() => Promise<void>) | null = null;
  const fanOut = async (id: string) => {
    if (!UUID.test(id)) return;
    const { rows } = await deps.db.query<{ id: string }>(
      `SELECT id::text AS id FROM users WHERE active AND role IN ('lead', 'admin')`,
    );
    for (const r of rows) app.live.sendToUser(r.id, { type: ESCALATION_LIVE_TYPE, id });
  };
  app.addHook('onReady', async () => {
    unlisten = await deps.db.listen(ESCALATIONS_CHANNEL, (payload) => {
      fanOut(payload).catch((err: unknown) => app.log.warn({ err }, 'escalation fan-out failed'));
    });
  });
  app.addHook('onClose', async () => {
    await unlisten?.().catch((err: unknown) => app.log.warn({ err }, 'escalation unlisten failed'));
  });
}
