/**
 * Vitest global setup: one PGlite cluster with every migration applied, dumped to a file for the run. Tests that
 * open an in-memory PGlite (tests/integration/support/backends.ts) start from it: loading a dump takes ~0.7 s where
 * creating a cluster and migrating it takes ~2.5 s, and the integration files open dozens one after another.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../server/db/migrate';
import { pgliteDb } from '../../server/db/pglite';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated PGlite dump's path. */
    pgliteTemplate: string;
  }
}

export default async function makePgliteTemplate(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'desk-pglite-template-'));
  const file = join(dir, 'migrated.tar');
  const pg = await PGlite.create();
  try {
    await migrate(pgliteDb(pg));
    writeFileSync(file, Buffer.from(await (await pg.dumpDataDir('none')).arrayBuffer()));
  } finally {
    await pg.close();
  }
  project.provide('pgliteTemplate', file);
  return () => rmSync(dir, { recursive: true, force: true });
}
