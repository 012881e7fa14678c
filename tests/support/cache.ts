/** Test helpers for the desk cache: a cache in a temporary folder, and ticket rows with plain defaults. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { VIEW_IDS } from '../../common/contract';
import { NO_SLA, type Ticket } from '../../common/domain';
import { createRepos, openCache, type CacheRepos } from '../../main/cache';
import type { CacheDb } from '../../main/cache/db';
import { VIEW_FILTERS, VIEW_ORDERS, VIEW_ORDERS_FROM_END } from '../../main/cache/tickets';
import { TEST_PHONE_SECRET } from './phone-hash';

/**
 * A migrated cache in a fresh temporary folder, holding the test phone hash secret as a signed-in desk does;
 * `dispose` closes it and removes the folder.
 */
export function openTempCache(prefix = 'desk-cache-'): { dir: string; repos: CacheRepos; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const repos = createRepos(openCache(dir));
  repos.phoneHash.set(TEST_PHONE_SECRET);
  return {
    dir,
    repos,
    dispose() {
      if (repos.db.open) repos.db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Ticket number `n`: a v4-shaped id and timestamps one minute apart from 2026-01-01, an open P3 repair. */
export function testTicket(n: number, patch: Partial<Ticket> = {}): Ticket {
  const at = new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    code: null,
    type: 'repair',
    category: 'plumbing',
    channel: 'phone',
    priority: 3,
    status: 'new',
    title: `t${n}`,
    description: '',
    unitId: null,
    unitCode: null,
    residentId: null,
    residentName: null,
    phone: null,
    teamId: null,
    assigneeId: null,
    createdBy: null,
    createdAt: at,
    updatedAt: at,
    closedAt: null,
    version: 1,
    tags: [],
    ...NO_SLA,
    phoneHash: null,
    ...patch,
  };
}

/** The code ticket `n` gets in the search tests. */
export const testCode = (n: number) => `BX-20260101-${String(n).padStart(4, '0')}`;

/** Every view's page and count is answered from an index, without sorting or scanning the table. */
export function expectEveryViewIndexed(db: CacheDb, me = 'u1'): void {
  for (const view of VIEW_IDS) {
    const plan = (sql: string) =>
      db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all({ me, now: Date.now(), limit: 100, offset: 0 })
        .map((r) => (r as { detail: string }).detail)
        .join(' | ');
    const where = VIEW_FILTERS[view];
    for (const order of [VIEW_ORDERS[view], VIEW_ORDERS_FROM_END[view]]) {
      const page = plan(`SELECT * FROM tickets WHERE ${where} ${order} LIMIT @limit OFFSET @offset`);
      expect(page, `${view} ${order}`).not.toMatch(/TEMP B-TREE/);
      expect(page, `${view} ${order}`).toMatch(/USING (COVERING )?INDEX/);
    }
    expect(plan(`SELECT COUNT(*) FROM tickets WHERE ${where} AND @me = @me AND @now = @now`), view).toMatch(/INDEX/);
  }
}
