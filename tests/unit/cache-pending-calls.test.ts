/**
 * Migration 015: putting the server's calls back under the optimistic ones (every pull page does it) finds the
 * pending rows through a partial index instead of reading every call, and still does the same thing.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { Call } from '../../common/domain';
import { createRepos, type CacheDb } from '../../main/cache';
import { migrate } from '../../main/cache/migrate';
import { MIGRATIONS } from '../../main/cache/migrations';

const at = '2026-12-01T08:00:00.000Z';
const call = (n: number, notes = ''): Call =>
  Call.parse({
    id: `20000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    callId: `pbx-${n}`,
    direction: 'inbound',
    from: '138****5678',
    to: '4008001234',
    agentId: null,
    residentId: null,
    ticketId: null,
    startedAt: at,
    answeredAt: at,
    endedAt: null,
    missed: false,
    notes,
    loggedAt: at,
  });

function cache(): CacheDb {
  const db = new Database(':memory:') as CacheDb;
  migrate(db, MIGRATIONS);
  return db;
}

describe('pending calls (cache migration 015)', () => {
  it("reads the pending rows by the partial index in each of deletePending's statements", () => {
    const db = cache();
    for (const sql of [
      'DELETE FROM calls WHERE pending = 1 AND server_detail IS NULL',
      'SELECT detail FROM calls WHERE pending = 1 AND server_detail IS NULL AND detail IS NOT NULL',
      'SELECT server_detail FROM calls WHERE pending = 1 AND server_detail IS NOT NULL',
    ]) {
      const plan = db.prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all();
      expect(plan.map((r) => r.detail).join('; ')).toMatch(/USING INDEX calls_pending/);
    }
  });

  it('still puts the server call back under an optimistic edit and drops an optimistic call the server lacks', () => {
    const repos = createRepos(cache());
    repos.calls.put(call(1, 'server'));
    repos.calls.put(call(2, 'server'));
    repos.calls.put(call(1, 'typed offline'), true);
    repos.calls.put(call(3, 'logged offline'), true);
    repos.calls.deletePending();
    expect(repos.calls.get(call(1).id)?.notes).toBe('server');
    expect(repos.calls.get(call(2).id)?.notes).toBe('server');
    expect(repos.calls.get(call(3).id)).toBeUndefined();
  });
});
