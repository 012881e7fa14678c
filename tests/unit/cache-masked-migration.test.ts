/**
 * Cache migration 010 (issue 11 §4, sync schema 5): a cache written before it holds whole phone numbers (the
 * tickets' phones and their search index, calls, the residents directory). The migration wipes every such row and
 * both cursors, so the desk pulls and downloads again — masked — while the outbox (the agent's unsent work) stays.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { migrate } from '../../main/cache/migrate';
import { MIGRATIONS } from '../../main/cache/migrations';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function oldCache(): Database.Database {
  const dir = mkdtempSync(join(tmpdir(), 'desk-cache-010-'));
  dirs.push(dir);
  const db = new Database(join(dir, 'cache.sqlite3'));
  migrate(
    db,
    MIGRATIONS.filter((m) => m.version < 10),
  );
  db.exec(`
    INSERT INTO tickets (id, type, category, channel, priority, status, title, description, phone, created_at,
      updated_at, version, is_open, updated_ms, phone_e164, resident_id)
    VALUES ('00000000-0000-4000-8000-000000000001', 'repair', 'plumbing', 'phone', 3, 'new', '厨房漏水', '',
      '13800138000', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1, 1, 0, '+8613800138000', 'r1');
    INSERT INTO calls (id, call_id, direction, from_raw, started_at, missed, notes, logged_at, logged_ms, detail,
      from_e164, resident_id)
    VALUES ('00000000-0000-4000-8000-000000000002', 'pbx-1', 'inbound', '13800138000', '2026-01-01T00:00:00Z', 0,
      '', '2026-01-01T00:00:00Z', 0, '{"from":"13800138000"}', '+8613800138000', 'r1');
    INSERT INTO residents (id, name) VALUES ('r1', '张伟');
    INSERT INTO resident_phones (resident_id, raw, e164, digits_rev) VALUES ('r1', '138 0013 8000', '+8613800138000', '00083100831');
    INSERT INTO resident_directory_state (key, value) VALUES ('cursor', '7:5');
    INSERT INTO outbox (name, args, created_at) VALUES ('ticket.comment', '{}', '2026-01-01T00:00:00Z');
    INSERT INTO meta (key, value) VALUES ('pull_cursor', 'abc'), ('client_id', 'kept'),
      ('bulk_deferred', '[{"type":"index","name":"tickets_by_phone_resident","sql":"CREATE INDEX tickets_by_phone_resident ON tickets(phone_e164, resident_id, updated_ms)"}]');
  `);
  return db;
}

it('wipes every whole number and both cursors, keeps the outbox, and turns the E.164 columns into hash columns', () => {
  const db = oldCache();
  try {
    // 010 and every later migration run.
    expect(migrate(db, MIGRATIONS)).toBe(MIGRATIONS.filter((m) => m.version >= 10).length);
    const everything = JSON.stringify(
      ['tickets', 'tickets_fts', 'tickets_fts_short', 'calls', 'resident_phones', 'residents'].map((table) =>
        db.prepare(`SELECT * FROM ${table}`).all(),
      ),
    );
    expect(everything).toBe('[[],[],[],[],[],[]]');
    const meta = Object.fromEntries(
      (db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [
        r.key,
        r.value,
      ]),
    );
    expect(meta.pull_cursor).toBeUndefined();
    expect(meta.client_id).toBe('kept');
    expect(meta.bulk_deferred).toContain('tickets(phone_hash, resident_id');
    expect(db.prepare('SELECT count(*) AS n FROM resident_directory_state').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 1 });
    const columns = (table: string) =>
      (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
    expect(columns('tickets')).toContain('phone_hash');
    expect(columns('tickets')).not.toContain('phone_e164');
    expect(columns('calls')).toContain('from_hash');
    expect(columns('resident_phones')).toEqual(expect.arrayContaining(['shown', 'hash']));
    expect(columns('resident_phones')).not.toContain('raw');
  } finally {
    db.close();
  }
});
