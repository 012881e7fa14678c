import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/driver';
import { loadMigrations, migrate } from '../../server/db/migrate';
import { openDb } from '../../server/db/open';

describe('migrations', () => {
  let db: Db | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  const recorded = async (d: Db) =>
    (
      await d.query<{ version: number; name: string; applied_at: Date }>(
        'SELECT version, name, applied_at FROM schema_migrations ORDER BY version',
      )
    ).rows;

  it('are numbered files in strictly increasing order', () => {
    const versions = loadMigrations().map((m) => m.version);
    expect(versions.length).toBeGreaterThan(0);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions[0]).toBe(1);
  });

  it('apply to an empty database and re-run as a no-op', async () => {
    db = await openDb({ dataDir: 'memory' });
    const all = loadMigrations().map((m) => m.version);
    expect(await migrate(db)).toEqual(all);
    const first = await recorded(db);
    expect(first.map((r) => r.version)).toEqual(all);

    const { rows: tables } = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['users', 'tickets', 'ticket_events', 'change_log', 'sync_clients', 'sync_mutations']),
    );

    expect(await migrate(db)).toEqual([]);
    expect(await recorded(db)).toEqual(first);
  });

  it('roll back a failing migration as a whole and record nothing for it', async () => {
    db = await openDb({ dataDir: 'memory' });
    await migrate(db);
    const broken = [
      ...loadMigrations(),
      { version: 9999, name: 'broken', sql: 'CREATE TABLE half_done (id int); SELECT no_such_function();' },
    ];
    await expect(migrate(db, broken)).rejects.toThrow();
    const { rows } = await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'");
    expect(rows).toEqual([]);
    expect((await recorded(db)).map((r) => r.version)).not.toContain(9999);
  });
});
