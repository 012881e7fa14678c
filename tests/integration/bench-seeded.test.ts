/**
 * The bench data cache (tests/bench/seeded.ts) on the demo's small size: a template is built once and cloned
 * afterwards, a change in a file of its content key rebuilds it, an interrupted build is never used, and a clone
 * holds the rows the seed wrote. PGlite always; PostgreSQL when TEST_DATABASE_URL is set (templates under a
 * scope of this test's own, dropped at the end).
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/driver';
import { seededDatabase, templatePrefix, type SeededOptions, type TemplatePrepare } from '../bench/seeded';
import type { Backend } from '../bench/sync/fixtures';

const adminUrl = process.env.TEST_DATABASE_URL;
const BACKENDS: Array<{ backend: Backend; skip: boolean }> = [
  { backend: 'pglite', skip: false },
  { backend: 'postgres', skip: !adminUrl },
];

const TABLES = ['users', 'residents', 'tickets', 'ticket_events', 'calls', 'change_log', 'kpi_ticket_facts'];

async function countRows(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    out[table] = rows[0]?.n ?? -1;
  }
  return out;
}

describe.each(BACKENDS)('seeded bench databases ($backend)', ({ backend, skip }) => {
  const log: string[] = [];
  const ctx = { log: (m: string) => log.push(m) };
  const scope = `t${randomBytes(3).toString('hex')}`;
  const work = mkdtempSync(join(tmpdir(), 'desk-seeded-test-'));
  const cacheDir = join(work, 'cache');
  // A file of the prepare step's sources: changing its content must change the template's key.
  const stepSource = join(work, 'step.txt');
  writeFileSync(stepSource, 'v1');
  let failNext = false;
  const prepare: TemplatePrepare = {
    name: 'one-more-agent',
    sources: [stepSource],
    async run(db) {
      if (failNext) {
        failNext = false;
        throw new Error('build interrupted');
      }
      await db.query(
        `INSERT INTO users (id, username, name, role, team_id, password_hash)
         SELECT gen_random_uuid(), 'extra01', 'Extra', 'agent', 'cs', password_hash FROM users LIMIT 1`,
      );
    },
  };
  const options: SeededOptions = { prepare, cacheDir, scope, fresh: false };
  const open = (): ReturnType<typeof seededDatabase> => seededDatabase(backend, 'small', ctx, options);

  async function templates(): Promise<string[]> {
    if (backend === 'pglite') {
      try {
        return readdirSync(cacheDir);
      } catch {
        return [];
      }
    }
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname`,
        [`desk_${scope}_tpl`],
      );
      return rows.map((r) => r.datname);
    } finally {
      await admin.end();
    }
  }

  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    if (backend === 'postgres' && adminUrl) {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      for (const name of await templates()) {
        await admin.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE false`);
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
      await admin.end();
    }
  });

  /** What a build killed mid-way (kill -9) leaves: a folder or database under its temporary name. */
  async function leaveKilledBuild(): Promise<string> {
    if (backend === 'pglite') {
      const deadPid = spawnSync('true').pid;
      const dir = join(cacheDir, `.building-small-${deadPid}-0000`);
      mkdirSync(join(dir, 'data'), { recursive: true });
      return dir;
    }
    const name = `desk_${scope}_tplb_small_killed`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    return name;
  }

  async function exists(leftover: string): Promise<boolean> {
    if (backend === 'pglite') return existsSync(leftover);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const { rows } = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [leftover]);
    await admin.end();
    return rows.length > 0;
  }

  let killedBuild = '';
  it.skipIf(skip)(
    'never uses an interrupted build',
    async () => {
      failNext = true;
      await expect(open()).rejects.toThrow('build interrupted');
      expect(await templates()).toEqual([]);
      killedBuild = await leaveKilledBuild();
    },
    180_000,
  );

  let firstSeededAt: Date | null = null;
  it.skipIf(skip)(
    'builds the template once, then clones it: same rows as the seed wrote',
    async () => {
      const first = await open();
      const second = await open();
      try {
        expect(first.source).toBe('built');
        expect(await exists(killedBuild)).toBe(false); // removed by the next build, never used
        expect(second.source).toBe('cache');
        expect(second.seededAt).toEqual(first.seededAt);
        firstSeededAt = first.seededAt;
        expect(log.some((m) => /template built in [\d.]+ s/.test(m))).toBe(true);
        expect(log.some((m) => /from the cache .* cloned in [\d.]+ s/.test(m))).toBe(true);

        const db = await second.open();
        try {
          const rows = await countRows(db);
          const seeded = first.counts;
          expect(rows.tickets).toBe(seeded.tickets);
          expect(rows.ticket_events).toBe(seeded.ticket_events);
          expect(rows.calls).toBe(seeded.calls);
          expect(rows.residents).toBe(seeded.residents);
          expect(rows.change_log).toBe(seeded.change_log);
          expect(rows.kpi_ticket_facts).toBe(seeded.tickets);
          expect(rows.users).toBe((seeded.users ?? 0) + 1); // the prepare step's agent
          // A clone is a copy: what a bench writes into it stays out of the template and the other clones.
          await db.query(`DELETE FROM change_log`);
        } finally {
          await db.close();
        }
        const third = await open();
        try {
          const db3 = await third.open();
          try {
            expect((await countRows(db3)).change_log).toBe(first.counts.change_log);
          } finally {
            await db3.close();
          }
        } finally {
          await third.dispose();
        }
      } finally {
        await first.dispose();
        await second.dispose();
      }
    },
    240_000,
  );

  it.skipIf(skip)(
    'rebuilds when a file of the content key changes, and keeps one template per size',
    async () => {
      const before = await templates();
      expect(before).toHaveLength(1);
      writeFileSync(stepSource, 'v2');
      const rebuilt = await open();
      try {
        expect(rebuilt.source).toBe('built');
        expect(rebuilt.seededAt).not.toEqual(firstSeededAt);
        const after = await templates();
        expect(after).toHaveLength(1);
        expect(after).not.toEqual(before);
        if (backend === 'postgres') expect(after[0]?.startsWith(templatePrefix(scope, 'small'))).toBe(true);
      } finally {
        await rebuilt.dispose();
      }
    },
    180_000,
  );
});
