/**
 * The storage backends server tests run on: PGlite in memory always (from the run's migrated dump); PostgreSQL when TEST_DATABASE_URL is set,
 * in a throwaway database created for the test file and dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import type { Db } from '../../../server/db/driver';
import { migrate } from '../../../server/db/migrate';
import { openDb } from '../../../server/db/open';

export interface Backend {
  name: 'pglite' | 'postgres';
  /** Why the backend cannot run here, or null when it can. */
  skipReason: string | null;
  open(): Promise<{ db: Db; dispose: () => Promise<void> }>;
}

let template: Blob | undefined;
/** The run's migrated dump (tests/support/pglite-template.ts), read once per test file. */
function migratedTemplate(): Blob | undefined {
  const path = inject('pgliteTemplate');
  if (path && !template) template = new Blob([readFileSync(path)]);
  return template;
}

const pglite: Backend = {
  name: 'pglite',
  skipReason: null,
  async open() {
    const db = await openDb({ dataDir: 'memory', loadDataDir: migratedTemplate() });
    // Nothing to do on the dump; brings a fresh cluster up to date when a file runs without the global setup.
    await migrate(db);
    return { db, dispose: () => db.close() };
  },
};

const adminUrl = process.env.TEST_DATABASE_URL;

const postgres: Backend = {
  name: 'postgres',
  skipReason: adminUrl ? null : 'TEST_DATABASE_URL is not set (e.g. postgres://root@127.0.0.1:5432/test)',
  async open() {
    if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
    const name = `desk_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const db = await openDb({ url: url.toString() });
    await migrate(db);
    return {
      db,
      async dispose() {
        await db.close();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  },
};

export const BACKENDS: Backend[] = [pglite, postgres];

for (const b of BACKENDS) {
  if (b.skipReason) console.warn(`[server tests] skipping the ${b.name} variant: ${b.skipReason}`);
}
