/**
 * Bulk-load mode (main/cache/bulk-load): the tickets table's indexes and triggers are dropped while an empty cache
 * fills, and come back exactly as they were; the search index is filled afterwards, search meanwhile by LIKE.
 */
import { copyFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { Ticket } from '../../common/domain';
import { createRepos, openCache, type CacheRepos } from '../../main/cache';
import { createBulkLoad } from '../../main/cache/bulk-load';
import { checkpointInWorker, type CheckpointResult } from '../../main/cache/checkpoint';
import { migrate } from '../../main/cache/migrate';
import { MIGRATIONS } from '../../main/cache/migrations';
import { expectEveryViewIndexed, openTempCache, testCode, testTicket } from '../support/cache';
import { openProfileCache, profileCacheKey } from '../support/cache-file';

let cache: ReturnType<typeof openTempCache>;
let repos: CacheRepos;
beforeEach(() => {
  cache = openTempCache('desk-bulk-');
  repos = cache.repos;
});
afterEach(() => cache.dispose());

let n = 0;
const ticket = (patch: Partial<Ticket> = {}): Ticket => {
  n++;
  return testTicket(n, {
    code: testCode(n),
    title: `厨房漏水严重 ${n}`,
    description: '住户来电',
    unitCode: '3-1-502',
    residentName: '王芳',
    ...patch,
  });
};

const schema = () =>
  repos.db
    .prepare(`SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'tickets' AND sql IS NOT NULL ORDER BY name`)
    .all();
const ticketObjects = () => (schema() as { type: string }[]).filter((o) => o.type !== 'table');
/** Closes the cache and opens it again from its folder, as a restarted console does. */
const restart = () => {
  repos.db.close();
  repos = createRepos(openCache(cache.dir));
  onTestFinished(() => {
    repos.db.close();
  });
};
const ftsRows = () => (repos.db.prepare('SELECT count(*) AS n FROM tickets_fts').get() as { n: number }).n;

describe('bulk load', () => {
  it('drops the tickets indexes and triggers on an empty cache and restores exactly the same schema', async () => {
    const before = schema();
    const names = (objects: unknown[]) => (objects as { name: string }[]).map((o) => o.name);
    expect(ticketObjects().length).toBeGreaterThan(3);
    const bulk = createBulkLoad(repos.db, repos.meta);
    expect(bulk.begin()).toBe(true);
    // Only the index of the view the console opens on stays (its list answers while the sync runs).
    expect(names(ticketObjects())).toEqual(['tickets_by_open_sla']);
    expect(bulk.active()).toBe(true);
    for (let i = 0; i < 30; i++) repos.tickets.put(ticket());
    await bulk.finish();
    expect(bulk.active()).toBe(false);
    // The views' indexes and the triggers are back; the others come in the background.
    const deferred = [
      'tickets_by_code',
      'tickets_by_open',
      'tickets_by_phone_resident',
      'tickets_by_phone_hash',
      'tickets_by_unit_category',
    ];
    expect(names(schema())).toEqual(names(before).filter((n) => !deferred.includes(n)));
    expect(names(before)).toEqual(expect.arrayContaining(deferred));
    // Every view's page and count is already answered from an index.
    expectEveryViewIndexed(repos.db);
    expect(bulk.backgroundPending()).toBe(true);
    await bulk.completeInBackground();
    expect(bulk.backgroundPending()).toBe(false);
    expect(schema()).toEqual(before);
  });

  it('stays off when the cache already holds tickets', () => {
    repos.tickets.put(ticket());
    const bulk = createBulkLoad(repos.db, repos.meta);
    expect(bulk.begin()).toBe(false);
    expect(bulk.active()).toBe(false);
    expect(ticketObjects().length).toBeGreaterThan(3);
  });

  it('search answers by LIKE until the index is filled, then by the index, with the same hits', async () => {
    const bulk = createBulkLoad(repos.db, repos.meta);
    bulk.begin();
    const loaded = Array.from({ length: 12_000 }, () => ticket());
    for (const t of loaded) repos.tickets.put(t);
    await bulk.finish();
    expect(bulk.searchReady()).toBe(false);
    expect(ftsRows()).toBe(0);
    const during = repos.tickets.searchTickets('漏水严重 11999', { limit: 5, offset: 0 });
    expect(during.items.map((i) => i.ticket.title)).toContain('厨房漏水严重 11999');

    // A ticket written after the triggers are back is indexed by its trigger; the fill must not add it twice.
    const late = ticket({ title: '电梯异响' });
    repos.tickets.put(late);
    await bulk.completeInBackground();
    expect(bulk.searchReady()).toBe(true);
    expect(ftsRows()).toBe(loaded.length + 1);
    const after = repos.tickets.searchTickets('漏水严重 11999', { limit: 5, offset: 0 });
    expect(after.items.map((i) => i.ticket.id)).toEqual(during.items.map((i) => i.ticket.id));
    expect(repos.tickets.searchTickets('电梯异响', { limit: 5, offset: 0 }).items[0]?.ticket.id).toBe(late.id);
  });

  it('resumes after a restart in the middle: the dropped definitions are in the cache, not in memory', async () => {
    const before = schema();
    createBulkLoad(repos.db, repos.meta).begin();
    for (let i = 0; i < 10; i++) repos.tickets.put(ticket());
    restart();
    const bulk = createBulkLoad(repos.db, repos.meta);
    expect(bulk.active()).toBe(true);
    expect(bulk.begin()).toBe(true); // still on, nothing dropped twice
    await bulk.finish();
    await bulk.completeInBackground();
    expect(schema()).toEqual(before);
    expect(ftsRows()).toBe(10);
  });

  it('a restart between finish and the background work still builds the deferred indexes', async () => {
    const before = schema();
    const bulk = createBulkLoad(repos.db, repos.meta);
    bulk.begin();
    for (let i = 0; i < 10; i++) repos.tickets.put(ticket());
    await bulk.finish();
    restart();
    const reopened = createBulkLoad(repos.db, repos.meta);
    expect(reopened.active()).toBe(false);
    expect(reopened.backgroundPending()).toBe(true);
    await reopened.completeInBackground();
    expect(schema()).toEqual(before);
    expect(ftsRows()).toBe(10);
  });

  it('migration 014 in the middle of a bulk load rewrites the kept trigger SQL, and finish creates the new triggers', async () => {
    const bulk = createBulkLoad(repos.db, repos.meta);
    bulk.begin();
    // As a cache at schema 13 kept them: the update triggers without their WHEN.
    const kept = JSON.parse(repos.meta.get('bulk_load') ?? 'null') as { dropped: { name: string; sql: string }[] };
    const updates = kept.dropped.filter((o) => o.name.endsWith('_update'));
    expect(updates.map((o) => o.name).sort()).toEqual(['tickets_fts_short_update', 'tickets_fts_update']);
    for (const o of updates) o.sql = o.sql.replace(/\s+WHEN [\s\S]*? BEGIN/, ' BEGIN');
    expect(updates.map((o) => o.sql).join()).not.toMatch(/WHEN/);
    repos.meta.set('bulk_load', JSON.stringify(kept));
    repos.db.pragma('user_version = 13');
    expect(
      migrate(
        repos.db,
        MIGRATIONS.filter((m) => m.version <= 14),
      ),
    ).toBe(1);
    // Still dropped: the bulk load's finish creates them.
    expect((schema() as { name: string }[]).filter((o) => o.name.endsWith('_update'))).toEqual([]);
    await bulk.finish();
    const triggers = schema() as { name: string; sql: string }[];
    for (const name of ['tickets_fts_update', 'tickets_fts_short_update'])
      expect(triggers.find((o) => o.name === name)?.sql, name).toMatch(/WHEN old\.code IS NOT new\.code/);
  });

  it('refuses to fill the search index before the triggers are back', async () => {
    const bulk = createBulkLoad(repos.db, repos.meta);
    bulk.begin();
    await expect(bulk.completeInBackground()).rejects.toThrow(/before finish/);
  });
});

describe('checkpoint after a bulk load', () => {
  const autocheckpoint = () => repos.db.pragma('wal_autocheckpoint', { simple: true });
  /** Tickets in the database file alone: a copy of it without the log. */
  const ticketsInMainFile = () => {
    const copy = `${repos.db.name}.copy`;
    copyFileSync(repos.db.name, copy);
    const db = openProfileCache(cache.dir, { file: copy });
    try {
      return (db.prepare('SELECT count(*) AS n FROM tickets').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it('a worker on its own connection copies the whole log into the database file', async () => {
    let result: CheckpointResult | undefined;
    const bulk = createBulkLoad(repos.db, repos.meta, {
      checkpoint: async () =>
        (result = await checkpointInWorker({ file: repos.db.name, key: profileCacheKey(cache.dir) })),
    });
    repos.db.pragma('wal_checkpoint(TRUNCATE)'); // the empty schema in the file, the log empty
    expect(bulk.begin()).toBe(true);
    expect(autocheckpoint()).toBe(0);
    for (let i = 0; i < 300; i++) repos.tickets.put(ticket());
    expect(ticketsInMainFile()).toBe(0); // all of it still in the log
    await bulk.finish();
    await bulk.checkpointed();
    expect(result?.log).toBeGreaterThan(0);
    expect(result?.checkpointed).toBe(result?.log);
    expect(ticketsInMainFile()).toBe(300);
    // Done, this connection checkpoints on its own again.
    expect(autocheckpoint()).toBe(1000);
  });

  it('reports a checkpoint that fails, and this connection takes over checkpointing', async () => {
    const errors: unknown[] = [];
    const bulk = createBulkLoad(repos.db, repos.meta, {
      checkpoint: () => checkpointInWorker({ file: `${repos.db.name}.missing`, key: profileCacheKey(cache.dir) }),
      onError: (err) => errors.push(err),
    });
    bulk.begin();
    repos.tickets.put(ticket());
    await bulk.finish();
    await bulk.checkpointed();
    expect(String(errors[0])).toMatch(/WAL checkpoint failed/);
    expect(autocheckpoint()).toBe(1000);
  });

  it('checkpointInWorker reports the frames it copied', async () => {
    repos.db.pragma('wal_autocheckpoint = 0');
    for (let i = 0; i < 50; i++) repos.tickets.put(ticket());
    const result = await checkpointInWorker({ file: repos.db.name, key: profileCacheKey(cache.dir) });
    expect(result.busy).toBe(0);
    expect(result.log).toBeGreaterThan(0);
    expect(result.checkpointed).toBe(result.log);
  });
});
