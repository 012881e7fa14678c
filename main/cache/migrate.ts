/** Applies cache migrations once each, tracked with PRAGMA user_version. */
import type { Database } from 'better-sqlite3-multiple-ciphers';

export interface Migration {
  version: number;
  up(db: Database): void;
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Runs the migrations newer than the file's version, each in its own transaction. Returns how many ran. */
export function migrate(db: Database, migrations: readonly Migration[]): number {
  const current = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    // A newer app wrote this cache; guessing at its schema could corrupt the outbox.
    throw new Error(`Cache schema ${current} is newer than this app understands (${latest})`);
  }
  let ran = 0;
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
    ran++;
  }
  return ran;
}
