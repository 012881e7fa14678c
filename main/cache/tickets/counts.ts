/**
 * Every view's ticket count: most from one walk of an index, the rest from each view's own count; or, while the
 * cache is bulk-loading without its indexes, every view from one scan of the table.
 */
import { TEAM_VIEW_IDS, VIEW_IDS, type ViewId } from '../../../common/contract';
import type { CacheDb } from '../db';
import { VIEW_FILTERS, type ViewStatements } from './views';

export type ViewCount = { id: ViewId; count: number };

/**
 * The views counted together: `all` (COUNT(*), answered from a b-tree without reading rows), and `inbox`, `overdue`
 * and every team queue from one walk of the open tickets' index (tickets_open_by_team, cache migration 017): ~0.2 ms
 * at 100k tickets where a walk over every ticket took ~8 ms. The counts are taken at start, each minute and after
 * every change. The other views keep their own small ranges.
 */
const WALKED_VIEWS: readonly ViewId[] = ['all', 'inbox', 'overdue', ...TEAM_VIEW_IDS];

export function createViewCounts(db: CacheDb, views: Record<ViewId, ViewStatements>) {
  // Same filters as VIEW_FILTERS (tests/unit/cache-sla-views.test.ts holds each count to its view's list total).
  const countAll = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM tickets');
  const countOpenByTeam = db.prepare<{ now: number }, { team: string | null; n: number; overdue: number | null }>(
    `SELECT team_id AS team, COUNT(*) AS n, SUM(sla_due_ms < @now) AS overdue
     FROM tickets WHERE is_open = 1 GROUP BY team_id`,
  );
  function walkedCounts(now: number): Map<ViewId, number> {
    const counts = new Map<ViewId, number>(WALKED_VIEWS.map((view) => [view, 0]));
    const add = (view: ViewId, n: number) => counts.set(view, (counts.get(view) ?? 0) + n);
    add('all', countAll.get()?.n ?? 0);
    for (const group of countOpenByTeam.all({ now })) {
      add('inbox', group.n);
      add('overdue', group.overdue ?? 0);
      const team = `team.${group.team}` as ViewId;
      if (counts.has(team)) add(team, group.n);
    }
    return counts;
  }

  /**
   * Without the indexes (a bulk load drops them) each view's own count reads the whole table: a scan per view,
   * 260–530 ms of the desk's event loop at 100k tickets. One scan with every view's filter as a sum: ~130 ms.
   */
  const countEveryViewInOneScan = db.prepare<{ me: string; now: number }, Record<string, number | null>>(
    `SELECT ${VIEW_IDS.map((id, i) => `SUM(CASE WHEN ${VIEW_FILTERS[id]} THEN 1 ELSE 0 END) AS v${i}`).join(', ')}
     FROM tickets`,
  );

  return {
    counts(me: string | null, now: Date): ViewCount[] {
      const at = { me: me ?? '', now: now.getTime() };
      const walked = walkedCounts(at.now);
      return VIEW_IDS.map((id) => ({ id, count: walked.get(id) ?? views[id].count.get(at)?.n ?? 0 }));
    },
    countsInOneScan(me: string | null, now: Date): ViewCount[] {
      const row = countEveryViewInOneScan.get({ me: me ?? '', now: now.getTime() });
      return VIEW_IDS.map((id, i) => ({ id, count: row?.[`v${i}`] ?? 0 }));
    },
  };
}
