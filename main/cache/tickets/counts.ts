/** Every view's ticket count: most from one walk of an index, the rest from each view's own count. */
import { TEAM_VIEW_IDS, VIEW_IDS, type ViewId } from '../../../common/contract';
import type { CacheDb } from '../db';
import type { ViewStatements } from './views';

/**
 * The views one walk of tickets_by_team_sla (team, open, deadline) counts together: `all`, `inbox`, `overdue` and
 * every team queue. Counted one view at a time they read ~270k index entries at 100k tickets; walked once, 100k
 * (all counts: ~21 → ~12 ms warm; they are taken at start, each minute and after every change). The other views
 * keep their own small ranges.
 */
const WALKED_VIEWS: readonly ViewId[] = ['all', 'inbox', 'overdue', ...TEAM_VIEW_IDS];

export function createViewCounts(db: CacheDb, views: Record<ViewId, ViewStatements>) {
  // Same filters as VIEW_FILTERS (tests/unit/cache-sla-views.test.ts holds each count to its view's list total).
  const countByTeam = db.prepare<
    { now: number },
    { team: string | null; open: number; n: number; overdue: number | null }
  >(
    `SELECT team_id AS team, is_open AS open, COUNT(*) AS n, SUM(sla_due_ms < @now) AS overdue
     FROM tickets GROUP BY team_id, is_open`,
  );
  function walkedCounts(now: number): Map<ViewId, number> {
    const counts = new Map<ViewId, number>(WALKED_VIEWS.map((view) => [view, 0]));
    const add = (view: ViewId, n: number) => counts.set(view, (counts.get(view) ?? 0) + n);
    for (const group of countByTeam.all({ now })) {
      add('all', group.n);
      if (group.open !== 1) continue;
      add('inbox', group.n);
      add('overdue', group.overdue ?? 0);
      const team = `team.${group.team}` as ViewId;
      if (counts.has(team)) add(team, group.n);
    }
    return counts;
  }

  return (me: string | null, now: Date): { id: ViewId; count: number }[] => {
    const at = { me: me ?? '', now: now.getTime() };
    const walked = walkedCounts(at.now);
    return VIEW_IDS.map((id) => ({ id, count: walked.get(id) ?? views[id].count.get(at)?.n ?? 0 }));
  };
}
