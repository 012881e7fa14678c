/**
 * Each view's row count for list pages and jumps, counted again only after the cache changed: every page of the
 * 100k "all" view otherwise walks its whole index to say "100,000" again.
 *
 * A count is reused while the connection's total_changes() (every row this connection wrote, triggers included)
 * and PRAGMA data_version (commits by other connections) stay the same, outside a transaction (a rolled-back
 * write leaves total_changes() moved on, never back). Views whose filter reads the clock (`@now`) are counted each time.
 */
import type { ViewId } from '../../../common/contract';
import type { CacheDb } from '../db';
import { VIEW_FILTERS, type ViewStatements } from './views';

export function createViewTotals(db: CacheDb, views: Record<ViewId, ViewStatements>) {
  const changes = db.prepare<[], number>('SELECT total_changes()').pluck();
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  const known = new Map<string, { stamp: string; n: number }>();

  return (view: ViewId, at: { me: string; now: number }): number => {
    const count = () => views[view].count.get(at)?.n ?? 0;
    if (VIEW_FILTERS[view].includes('@now') || db.inTransaction) return count();
    const stamp = `${changes.get()}:${dataVersion.get()}`;
    const key = `${view}\u0000${at.me}`;
    const hit = known.get(key);
    if (hit?.stamp === stamp) return hit.n;
    const n = count();
    known.set(key, { stamp, n });
    return n;
  };
}
