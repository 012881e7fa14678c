/**
 * Upkeep of the KPI daily rollups (migration 0020): every minute the server folds each key's ledger rows into one,
 * and rebuilds the rollups when the site's UTC offset is no longer the one their days are at. Neither is needed for
 * a correct report (a key's figure is the sum of its rows; a report at another offset reads the facts): they keep
 * reports fast.
 */
import type { FastifyInstance } from 'fastify';
import { siteTimeZone } from '../../common/sla/settings';
import { fixedUtcOffsetMinutes } from '../../common/sla/timezone';
import type { Db, Queryable } from '../db/driver';
import { scheduleDaily } from '../jobs/daily';
import type { ServerDeps } from '../http/context';

export const ROLLUP_UPKEEP_INTERVAL_MS = 60_000;

/** The UTC offset (seconds east) of the rollups' site days. */
export async function rollupOffsetSec(q: Queryable): Promise<number | null> {
  const { rows } = await q.query<{ offset_sec: number }>('SELECT offset_sec FROM kpi_rollup_zone');
  return rows[0]?.offset_sec ?? null;
}

/** Folds the ledgers; rebuilds them first when the site's offset moved (fixed-offset zones only). */
export async function keepRollups(db: Db, siteOffsetSec: number | null): Promise<{ rebuilt: boolean }> {
  const rebuilt =
    siteOffsetSec !== null &&
    (await db.tx(async (q) => {
      if ((await rollupOffsetSec(q)) === siteOffsetSec) return false;
      await q.query('SELECT kpi_rebuild_rollups($1)', [siteOffsetSec]);
      return true;
    }));
  await db.query('SELECT kpi_compact_rollups()');
  return { rebuilt };
}

export function scheduleRollupUpkeep(app: FastifyInstance, { db, slaSettings }: ServerDeps, intervalMs?: number): void {
  scheduleDaily(app, {
    name: 'KPI rollup upkeep',
    intervalMs: intervalMs ?? ROLLUP_UPKEEP_INTERVAL_MS,
    run: async () => {
      const minutes = fixedUtcOffsetMinutes(siteTimeZone(slaSettings.document().settings));
      const { rebuilt } = await keepRollups(db, minutes === null ? null : minutes * 60);
      if (rebuilt) app.log.info('rebuilt the KPI rollups for the site time zone');
    },
  });
}
