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
    // Only the index of the view the console opens on stays (its list answers while the sync runs), and the search
    // indexes' update and delete triggers (the index may be filled while loading).
    expect(names(ticketObjects())).toEqual([
      'tickets_by_open_sla',
      'tickets_fts_delete',
      'tickets_fts_short_delete',
      'tickets_fts_short_update',
      'tickets_fts_update',
    ]);
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
    // As a desk at schema 13 began it: the update triggers dropped too, kept without their WHEN.
    const kept = JSON.parse(repos.meta.get('bulk_load') ?? 'null') as {
      dropped: { type: string; name: string; sql: string }[];
    };
    const updates = (schema() as { type: string; name: string; sql: string }[]).filter((o) =>
      o.name.endsWith('_update'),
    );
    expect(updates.map((o) => o.name).sort()).toEqual(['tickets_fts_short_update', 'tickets_fts_update']);
    for (const o of updates) repos.db.exec(`DROP TRIGGER ${o.name}`);
    kept.dropped.push(...updates);
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

  it('fills the search index while the sync waits for a page, and stops when the page arrives', async () => {
    const bulk = createBulkLoad(repos.db, repos.meta);
    bulk.begin();
    const loaded = Array.from({ length: 1_000 }, () => ticket());
    for (const t of loaded) repos.tickets.put(t);
    // A page that has arrived: nothing is filled before it is handed over.
    await expect(bulk.fillWhile(Promise.resolve('page'))).resolves.toBe('page');
    expect(ftsRows()).toBe(0);
    // A page that takes a while: the wait fills the index in slices, and the page is handed over as it comes.
    let arrive!: (page: string) => void;
    const page = new Promise<string>((resolve) => (arrive = resolve));
    const filled = bulk.fillWhile(page);
    await new Promise((resolve) => setTimeout(resolve, 30));
    arrive('page 2');
    await expect(filled).resolves.toBe('page 2');
    const during = ftsRows();
    expect(during).toBeGreaterThan(0);
    // A failed page fails the wait as it would without the fill.
    await expect(bulk.fillWhile(Promise.reject(new Error('offline')))).rejects.toThrow('offline');
    // Caught up with every row loaded so far: the fill returns to waiting without spinning.
    await bulk.fillWhile(new Promise((resolve) => setTimeout(resolve, 200)));
    expect(ftsRows()).toBe(loaded.length);
    expect(bulk.searchReady()).toBe(false); // more rows may come until the load ends

    await bulk.finish();
    await bulk.completeInBackground();
    expect(bulk.searchReady()).toBe(true);
    expect(ftsRows()).toBe(loaded.length);
  });

  it('a row indexed while loading that then changes or goes is re-indexed or removed, as outside a bulk load', async () => {
    const bulk = createBulkLoad(repos.db, repos.meta);
    bulk.begin();
    const loaded = Array.from({ length: 300 }, () => ticket());
    for (const t of loaded) repos.tickets.put(t);
    await bulk.fillWhile(new Promise((resolve) => setTimeout(resolve, 100)));
    expect(ftsRows()).toBe(loaded.length);
    // Later pages of the same load: one ticket's title changed on the server, another was deleted.
    const changed = { ...loaded[10]!, title: '电梯困人' };
    repos.tickets.put(changed);
    repos.tickets.delete(loaded[20]!.id);
    await bulk.finish();
    await bulk.completeInBackground();
    const ids = (q: string) => repos.tickets.searchTickets(q, { limit: 50, offset: 0 }).items.map((i) => i.ticket.id);
    expect(ids('电梯困人')).toEqual([changed.id]);
    expect(ids(`厨房漏水严重 ${n - 300 + 11}`)).toEqual([]);
    expect(ids(loaded[20]!.code ?? '')).toEqual([]);
    expect(ftsRows()).toBe(loaded.length - 1);
  });

  it('a row that takes the rowid of a deleted top row after the fill passed it is indexed all the same', async () => {
    const bulk = createBulkLoad(repos.db, repos.meta);
    bulk.begin();
    const loaded = Array.from({ length: 50 }, () => ticket());
    for (const t of loaded) repos.tickets.put(t);
    await bulk.fillWhile(new Promise((resolve) => setTimeout(resolve, 50)));
    expect(ftsRows()).toBe(loaded.length);
    const rowidOf = (id: string) =>
      (repos.db.prepare('SELECT rowid AS r FROM tickets WHERE id = ?').get(id) as { r: number }).r;
    const top = rowidOf(loaded.at(-1)!.id);
    repos.tickets.delete(loaded.at(-1)!.id);
    const late = ticket({ title: '门禁失灵' });
    repos.tickets.put(late);
    expect(rowidOf(late.id)).toBe(top); // SQLite reused it
    await bulk.finish();
    await bulk.completeInBackground();
    expect(repos.tickets.searchTickets('门禁失灵', { limit: 5, offset: 0 }).items.map((i) => i.ticket.id)).toEqual([
      late.id,
    ]);
    expect(ftsRows()).toBe(loaded.length);
  });

  it('a bulk load begun by an older desk (update triggers dropped) fills the index only after finish', async () => {
    const bulk = createBulkLoad(repos.db, repos.meta);
    bulk.begin();
    const kept = JSON.parse(repos.meta.get('bulk_load') ?? 'null') as { dropped: unknown[] };
    const triggers = (schema() as { type: string; name: string }[]).filter((o) => o.type === 'trigger');
    for (const o of triggers) repos.db.exec(`DROP TRIGGER ${o.name}`);
    kept.dropped.push(...triggers);
    repos.meta.set('bulk_load', JSON.stringify(kept));
    for (let i = 0; i < 20; i++) repos.tickets.put(ticket());
    await bulk.fillWhile(new Promise((resolve) => setTimeout(resolve, 30)));
    expect(ftsRows()).toBe(0);
    await bulk.finish();
    await bulk.completeInBackground();
    expect(ftsRows()).toBe(20);
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
