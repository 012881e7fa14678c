/**
 * The cache at rest (issue 11 §3): encrypted with a random per-profile key that is itself sealed, unreadable by
 * plain SQLite, FTS5 trigram search intact, a plain cache from before encrypted on open with nothing lost, a cache
 * whose key is gone started afresh, and the profile folder closed to other users (0700, files 0600).
 */
import PlainDatabase from 'better-sqlite3';
import Database from 'better-sqlite3-multiple-ciphers';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRepos, openCache, type CacheRepos } from '../../main/cache';
import { isPlainSqliteFile } from '../../main/cache/cipher';
import { CACHE_FILE } from '../../main/cache/db';
import { CACHE_KEY_FILE } from '../../main/cache/key';
import { migrate, schemaVersion } from '../../main/cache/migrate';
import { MIGRATIONS } from '../../main/cache/migrations';
import { createTicketRepo } from '../../main/cache/tickets';
import { secureProfileDir } from '../../main/profile';
import { SECRET_KEY_FILE } from '../../main/secrets/key-file';
import { testCode, testTicket } from '../support/cache';
import { maskPhone } from '../../common/residents/phone';
import { profileCacheKey } from '../support/cache-file';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'desk-rest-'));
  dirs.push(dir);
  return dir;
}
const open: CacheRepos[] = [];
function openRepos(dir: string): CacheRepos {
  const repos = createRepos(openCache(dir));
  open.push(repos);
  return repos;
}
afterEach(() => {
  for (const repos of open.splice(0)) if (repos.db.open) repos.db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

// Numbers reach the cache masked (issue 11 §4), so the personal data at stake here is the resident's name and unit,
// with the masked number beside them.
const PHONE = maskPhone('13800138000');
const NAME = '王芳';
const UNIT = '3-1-502';
const residentTicket = (n: number) =>
  testTicket(n, { code: testCode(n), title: '厨房漏水', residentName: NAME, phone: PHONE, unitCode: UNIT });

/** Every file under `dir`, with its bytes. */
function filesUnder(dir: string): Array<{ path: string; bytes: Buffer }> {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return { path, bytes: readFileSync(path) };
    });
}
const filesHolding = (dir: string, needle: string | Buffer) =>
  filesUnder(dir)
    .filter((f) => f.bytes.includes(needle))
    .map((f) => f.path);

/** What plain SQLite (better-sqlite3, no cipher) makes of the file. */
function plainRead(file: string): string {
  try {
    const db = new PlainDatabase(file, { readonly: true, fileMustExist: true });
    try {
      return JSON.stringify(db.prepare('SELECT name FROM sqlite_master').all());
    } finally {
      db.close();
    }
  } catch (err) {
    return (err as Error).message;
  }
}

describe('the encrypted cache', () => {
  it('shows residents neither in the file nor in its write-ahead log, and plain SQLite cannot open it', () => {
    const dir = tempDir();
    const repos = openRepos(dir);
    repos.tickets.put(residentTicket(1));
    const file = join(dir, CACHE_FILE);
    // While the desk runs, the change sits in the log.
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
    expect(filesHolding(dir, PHONE)).toEqual([]);
    expect(filesHolding(dir, Buffer.from(NAME, 'utf8'))).toEqual([]);
    repos.db.close();

    expect(readFileSync(file).subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
    expect(isPlainSqliteFile(file)).toBe(false);
    expect(plainRead(file)).toMatch(/not a database/);
    expect(filesHolding(dir, PHONE)).toEqual([]);
    expect(filesHolding(dir, Buffer.from(NAME, 'utf8'))).toEqual([]);
    // With its key it is all there.
    expect(openRepos(dir).tickets.get(residentTicket(1).id)).toMatchObject({ phone: PHONE, residentName: NAME });
  });

  it('keeps FTS5 trigram search: a unit, part of a title, a ticket code', () => {
    const repos = openRepos(tempDir());
    for (let n = 1; n <= 20; n++) repos.tickets.put(n === 7 ? residentTicket(7) : testTicket(n, { code: testCode(n) }));
    const hits = (q: string) => repos.tickets.searchTickets(q, { limit: 5, offset: 0 }).items.map((i) => i.ticket.id);
    const id = residentTicket(7).id;
    expect(hits(UNIT)).toEqual([id]);
    expect(hits('厨房漏水')).toEqual([id]);
    expect(hits(testCode(7))).toEqual([id]);
    // Through the trigram index, not a scan.
    const plan = repos.db
      .prepare(`EXPLAIN QUERY PLAN SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH '"3-1-502"'`)
      .all() as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/VIRTUAL TABLE INDEX/);
  });

  it('has a random key per profile, sealed: neither the key nor its bytes are on disk in plain', () => {
    const a = tempDir();
    const b = tempDir();
    openRepos(a).tickets.put(residentTicket(1));
    openRepos(b);
    const key = profileCacheKey(a);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(profileCacheKey(b)).not.toBe(key);
    expect(readFileSync(join(a, CACHE_KEY_FILE), 'utf8')).toMatch(/^kf1:/);
    expect(filesHolding(a, key)).toEqual([]);
    expect(filesHolding(a, key.toUpperCase())).toEqual([]);
    expect(filesHolding(a, Buffer.from(key, 'hex'))).toEqual([]);
  });

  it('a cache whose key is lost cannot be read by anyone: it starts empty for the initial sync to refill', () => {
    const dir = tempDir();
    const first = openRepos(dir);
    first.tickets.put(residentTicket(1));
    const oldKey = profileCacheKey(dir);
    first.db.close();

    rmSync(join(dir, SECRET_KEY_FILE)); // e.g. the profile copied without its key, or another user's
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const reopened = openRepos(dir);
    expect(warn.mock.calls.flat().join(' ')).toMatch(/new cache will be synced/);
    expect(warn.mock.calls.flat().join(' ')).toMatch(/locked with another key/);
    expect(profileCacheKey(dir)).not.toBe(oldKey);
    expect(reopened.db.prepare('SELECT COUNT(*) FROM tickets').pluck().get()).toBe(0);
    reopened.tickets.put(residentTicket(2));
    expect(reopened.tickets.get(residentTicket(2).id)?.residentName).toBe(NAME);
  });
});

/**
 * A profile as the previous version left it when its desk was killed: a plain SQLite cache (WAL, changes still
 * in the log), a queued change in the outbox, no key.
 */
function legacyProfile(): { dir: string; clientId: string; version: number } {
  const scratch = tempDir();
  const dir = tempDir();
  const old = new Database(join(scratch, CACHE_FILE)); // no key: the plain format the old desk wrote
  old.pragma('journal_mode = WAL');
  old.pragma('wal_autocheckpoint = 0');
  migrate(old, MIGRATIONS);
  const meta = old.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
  meta.run('client_id', 'c0ffee00-0000-4000-8000-000000000001');
  createTicketRepo(old, () => null).put(residentTicket(1));
  old
    .prepare(`INSERT INTO outbox (name, args, created_at) VALUES ('ticket.comment', '{}', '2026-01-01T00:00:00Z')`)
    .run();
  // The crash: the files as they are on disk now, the log not folded into the database.
  for (const suffix of ['', '-wal']) copyFileSync(join(scratch, CACHE_FILE + suffix), join(dir, CACHE_FILE + suffix));
  const version = schemaVersion(old);
  old.close();
  const file = join(dir, CACHE_FILE);
  expect(isPlainSqliteFile(file)).toBe(true);
  expect(plainRead(file)).toMatch(/tickets/);
  expect(readFileSync(`${file}-wal`).includes(Buffer.from(NAME, 'utf8'))).toBe(true);
  return { dir, clientId: 'c0ffee00-0000-4000-8000-000000000001', version };
}

describe('a cache sealed by another store', () => {
  it('is left as it is, with a clear error, when its key cannot be opened here now', () => {
    const dir = tempDir();
    openRepos(dir).tickets.put(residentTicket(1));
    open[0]!.db.close();
    // As the Electron app leaves it: the cache key sealed by safeStorage, which a key-file store cannot open.
    writeFileSync(join(dir, CACHE_KEY_FILE), 'ss1:c2VhbGVkIGJ5IHRoZSBPUyBrZXlyaW5n\n');
    const cache = readFileSync(join(dir, CACHE_FILE));
    expect(() => openCache(dir)).toThrow(/cannot be opened now/);
    expect(readFileSync(join(dir, CACHE_FILE)).equals(cache)).toBe(true);
    expect(readFileSync(join(dir, CACHE_KEY_FILE), 'utf8')).toMatch(/^ss1:/);
  });
});

describe('a cache from before encryption', () => {
  it('is encrypted on open, its log and queued change included, and leaves no plain copy behind', () => {
    const { dir, clientId, version } = legacyProfile();
    const repos = openRepos(dir);
    expect(repos.tickets.get(residentTicket(1).id)?.residentName).toBe(NAME);
    expect(repos.db.prepare('SELECT COUNT(*) FROM outbox').pluck().get()).toBe(1);
    expect(repos.meta.clientId()).toBe(clientId);
    expect(schemaVersion(repos.db)).toBe(version);
    repos.db.close();

    const file = join(dir, CACHE_FILE);
    expect(isPlainSqliteFile(file)).toBe(false);
    expect(plainRead(file)).toMatch(/not a database/);
    expect(filesHolding(dir, Buffer.from(NAME, 'utf8'))).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.includes('encrypting'))).toEqual([]);
  });

  it('a start that died while encrypting (a half-written copy beside the plain cache) is finished at the next', () => {
    const { dir } = legacyProfile();
    writeFileSync(join(dir, `${CACHE_FILE}.encrypting`), 'half a copy');
    const repos = openRepos(dir);
    expect(repos.tickets.get(residentTicket(1).id)).toMatchObject({ phone: PHONE, residentName: NAME });
    expect(isPlainSqliteFile(join(dir, CACHE_FILE))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('encrypting'))).toEqual([]);
  });
});

describe('the profile folder', () => {
  const mode = (path: string) => statSync(path).mode & 0o777;

  it('is 0700 and every file in it 0600 (cache, log, shared memory, keys), whatever the umask', () => {
    const previous = process.umask(0o022);
    try {
      const dir = join(tempDir(), 'profile');
      const repos = openRepos(dir);
      repos.tickets.put(residentTicket(1));
      expect(mode(dir)).toBe(0o700);
      const names = readdirSync(dir).sort();
      expect(names).toEqual(
        expect.arrayContaining([CACHE_FILE, `${CACHE_FILE}-shm`, `${CACHE_FILE}-wal`, CACHE_KEY_FILE, SECRET_KEY_FILE]),
      );
      for (const name of names) expect([name, mode(join(dir, name))]).toEqual([name, 0o600]);
    } finally {
      process.umask(previous);
    }
  });

  it('of an existing profile is closed at start: folder, files and subfolders', () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'notes.txt'), 'x', { mode: 0o644 });
    mkdirSync(join(dir, 'Cache'), { mode: 0o755 });
    secureProfileDir(dir);
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'notes.txt'))).toBe(0o600);
    expect(mode(join(dir, 'Cache'))).toBe(0o700);
  });

  it('an old plain cache left world-readable is 0600 once encrypted', () => {
    const { dir } = legacyProfile();
    chmodSync(dir, 0o755);
    for (const name of readdirSync(dir)) chmodSync(join(dir, name), 0o644);
    const repos = openRepos(dir);
    repos.tickets.put(residentTicket(2));
    expect(mode(dir)).toBe(0o700);
    for (const name of readdirSync(dir)) expect([name, mode(join(dir, name))]).toEqual([name, 0o600]);
  });
});
