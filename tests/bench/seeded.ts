/**
 * Central databases holding the demo generator's data (server/seed), seeded once and cloned for each run
 * (DESIGN.md §9: each group prepares its own data and finishes within 20 minutes on 2 cores; seeding `large` into
 * PGlite alone takes longer than that).
 *
 * A template is the seeded demo of one size plus the caller's deterministic `prepare` step, per backend:
 * - PGlite: a data directory under bench/.cache/ (not committed), written by an instance that was closed cleanly;
 *   a clone is a copy of it into a temporary folder.
 * - PostgreSQL: a database `desk_bench_tpl_<size>_<key12>` on the server of TEST_DATABASE_URL /
 *   BENCH_DATABASE_URL; a clone is `CREATE DATABASE … TEMPLATE …`.
 * The key is a hash of the content of every file the data depends on (the seed, the migrations, the server and
 * common modules they import, the caller's prepare module), so an edit — committed or not — rebuilds it. A template
 * is built under a temporary name and renamed once complete: an interrupted build is never used. Building one
 * removes the other templates of its backend × size. The demo data is relative to the moment it was generated
 * (`seededAt`: today's tickets, the hot-history window), so a template older than MAX_AGE_HOURS is rebuilt too.
 * `npm run bench -- --fresh-data` (BENCH_FRESH_DATA=1) rebuilds every template a run uses, once.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import pg from 'pg';
import type { Db } from '../../server/db/driver';
import { migrate } from '../../server/db/migrate';
import { openDb } from '../../server/db/open';
import { DEFAULT_DEMO_SEED, seedDemo } from '../../server/seed/load';
import type { DemoSize } from '../../server/seed/generate';
import type { BenchContext } from './types';
import {
  POSTGRES_SKIP_REASON,
  ROOT,
  postgresAdminUrl,
  removeTempDir,
  tempDir,
  type Backend,
  type BenchDatabase,
} from './sync/fixtures';

export const CACHE_DIR = join(ROOT, 'bench', '.cache');
/** The demo's timestamps are relative to its generation: a day-old template no longer has "today's" tickets. */
export const MAX_AGE_HOURS = 24;

/** What a caller does to the seeded demo before it becomes the template (extra agents, VACUUM, …). */
export interface TemplatePrepare {
  /** Names the step in the cache key and the log. */
  name: string;
  /** The files the step's code is in (e.g. `import.meta.filename`): their content is part of the cache key. */
  sources: readonly string[];
  run(db: Db, backend: Backend): Promise<void>;
}

export interface SeededDatabase extends BenchDatabase {
  size: DemoSize;
  /** The `now` the demo data was generated for. */
  seededAt: Date;
  /** Rows written by the seed, per table (seedDemo's counts). */
  counts: Record<string, number>;
  /** Whether this run found the template in the cache or built it. */
  source: 'cache' | 'built';
}

export interface SeededOptions {
  prepare?: TemplatePrepare;
  /** Where PGlite templates live (tests use a temporary folder). */
  cacheDir?: string;
  /** Rebuild even when a current template exists (default: BENCH_FRESH_DATA=1). */
  fresh?: boolean;
  /** Names PostgreSQL templates `desk_<scope>_tpl_…` (default `bench`; tests use their own). */
  scope?: string;
}

/** Stored beside a PGlite template and as the comment of a PostgreSQL one. */
interface TemplateInfo {
  key: string;
  size: DemoSize;
  prepare: string;
  seededAt: string;
  counts: Record<string, number>;
  buildMs: number;
}

const NO_PREPARE: TemplatePrepare = { name: 'none', sources: [], run: async () => {} };

/** Templates (re)built by this process: --fresh-data rebuilds each once, not on every use. */
const builtHere = new Set<string>();

// ---------------------------------------------------------------------------------------------------------------
// The content key.

/** Where the data's code starts; the migrations are read from their folder at run time. */
const KEY_ROOTS = ['server/seed/index.ts', 'server/db/migrate.ts', 'server/db/open.ts'];
const KEY_DIRS = ['server/db/migrations', 'server/seed'];
/** Imports followed from a root: the product code the data comes out of (not the bench harness around it). */
const FOLLOWED = ['server/', 'common/'];
const IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function resolveImport(fromFile: string, spec: string): string | null {
  const base = resolve(dirname(fromFile), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** The files the template's data depends on: the roots, what they import within server/ and common/, KEY_DIRS. */
export function keyFiles(extraRoots: readonly string[] = []): string[] {
  const seen = new Set<string>();
  const visit = (file: string, isRoot: boolean) => {
    if (seen.has(file)) return;
    const rel = relative(ROOT, file);
    if (!isRoot && !FOLLOWED.some((p) => rel.startsWith(p))) return;
    seen.add(file);
    if (!/\.tsx?$/.test(file)) return;
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolveImport(file, m[1] as string);
      if (target) visit(target, false);
    }
  };
  for (const root of [...KEY_ROOTS.map((f) => join(ROOT, f)), ...extraRoots.map((f) => resolve(f))]) {
    visit(root, true);
  }
  for (const dir of KEY_DIRS) for (const f of filesUnder(join(ROOT, dir))) seen.add(f);
  return [...seen].sort();
}

/**
 * sha256 of the key files' paths and contents, the build procedure (seedTemplate's source: not this whole file,
 * whose logging may change), the size, the seed, the prepare step and the PGlite version.
 */
export function templateKey(size: DemoSize, prepare: TemplatePrepare): string {
  const hash = createHash('sha256');
  const pgliteVersion = (
    JSON.parse(readFileSync(join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  hash.update(JSON.stringify({ size, seed: DEFAULT_DEMO_SEED, prepare: prepare.name, pgliteVersion }));
  hash.update(seedTemplate.toString());
  for (const file of keyFiles(prepare.sources)) {
    hash.update(`\0${relative(ROOT, file)}\0`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

// ---------------------------------------------------------------------------------------------------------------
// Building: seed, prepare, and the facts the callers report.

/** Seeds and prepares a migrated, empty database; returns what the template records (but its build time). */
async function seedTemplate(
  db: Db,
  backend: Backend,
  size: DemoSize,
  key: string,
  prepare: TemplatePrepare,
): Promise<Omit<TemplateInfo, 'buildMs'>> {
  const seededAt = new Date();
  await migrate(db);
  const { seeded, counts } = await seedDemo(db, { size, seed: DEFAULT_DEMO_SEED, now: seededAt });
  if (!seeded) throw new Error('the template database was not empty');
  await prepare.run(db, backend);
  return { key, size, prepare: prepare.name, seededAt: seededAt.toISOString(), counts };
}

const ageHours = (info: TemplateInfo) => (Date.now() - Date.parse(info.seededAt)) / 3_600_000;
const gb = (bytes: number) => `${(bytes / 1e9).toFixed(2)} GB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Why the template must be (re)built, or null when it can be cloned. */
function rebuildReason(info: TemplateInfo | null, fresh: boolean, id: string): string | null {
  if (!info) return 'none with this content key';
  if (fresh && !builtHere.has(id)) return '--fresh-data';
  const age = ageHours(info);
  if (age > MAX_AGE_HOURS) return `the cached one is ${age.toFixed(0)} h old (its dates are relative to its build)`;
  return null;
}

function templateLabel(backend: Backend, size: DemoSize, prepare: TemplatePrepare): string {
  return `${backend} demo ${size}${prepare.name === 'none' ? '' : ` + ${prepare.name}`}`;
}

/**
 * A database holding the seeded demo of `size` (plus `prepare`), cloned from its template, which is built first
 * when missing, out of date or older than MAX_AGE_HOURS. Dispose it when done.
 */
export async function seededDatabase(
  backend: Backend,
  size: DemoSize,
  ctx: BenchContext,
  options: SeededOptions = {},
): Promise<SeededDatabase> {
  const prepare = options.prepare ?? NO_PREPARE;
  const fresh = options.fresh ?? process.env.BENCH_FRESH_DATA === '1';
  const key = templateKey(size, prepare);
  const what = templateLabel(backend, size, prepare);
  return backend === 'pglite'
    ? pgliteSeeded(size, key, prepare, fresh, options.cacheDir ?? CACHE_DIR, what, ctx)
    : postgresSeeded(size, key, prepare, fresh, options.scope ?? 'bench', what, ctx);
}

function logSource(
  ctx: BenchContext,
  what: string,
  info: TemplateInfo,
  built: boolean,
  cloneMs: number,
  bytes: number,
) {
  ctx.log(
    built
      ? `  ${what}: template built in ${secs(info.buildMs)} (key ${info.key.slice(0, 12)}, ${gb(bytes)}), ` +
          `cloned in ${secs(cloneMs)}`
      : `  ${what}: from the cache (template key ${info.key.slice(0, 12)}, built in ${secs(info.buildMs)} ` +
          `${ageHours(info).toFixed(1)} h ago, ${gb(bytes)}), cloned in ${secs(cloneMs)}`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// PGlite: a data directory under the cache folder, copied.

const INFO_FILE = 'template.json';

function readInfo(dir: string): TemplateInfo | null {
  try {
    return JSON.parse(readFileSync(join(dir, INFO_FILE), 'utf8')) as TemplateInfo;
  } catch {
    return null;
  }
}

function bytesUnder(dir: string): number {
  return filesUnder(dir).reduce((sum, f) => sum + statSync(f).size, 0);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function buildPgliteTemplate(
  cacheDir: string,
  finalDir: string,
  size: DemoSize,
  key: string,
  prepare: TemplatePrepare,
): Promise<TemplateInfo> {
  mkdirSync(cacheDir, { recursive: true });
  // Leftovers of builds whose process died (kill -9, power loss): never renamed, so never used; removed here.
  for (const name of readdirSync(cacheDir)) {
    const m = /^\.building-\w+-(\d+)-/.exec(name);
    if (m && !pidAlive(Number(m[1]))) rmSync(join(cacheDir, name), { recursive: true, force: true });
  }
  const buildDir = join(cacheDir, `.building-${size}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const started = performance.now();
    const db = await openDb({ dataDir: join(buildDir, 'data') });
    let seeded: Omit<TemplateInfo, 'buildMs'>;
    try {
      seeded = await seedTemplate(db, 'pglite', size, key, prepare);
      await db.query('CHECKPOINT');
    } finally {
      // A clean shutdown (shutdown checkpoint) before any copy is taken.
      await db.close();
    }
    const info: TemplateInfo = { ...seeded, buildMs: performance.now() - started };
    writeFileSync(join(buildDir, INFO_FILE), JSON.stringify(info, null, 2));
    // One template per size: the others of this size are out of date.
    for (const name of readdirSync(cacheDir)) {
      if (name.startsWith(`pglite-${size}-`)) rmSync(join(cacheDir, name), { recursive: true, force: true });
    }
    renameSync(buildDir, finalDir);
    return info;
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
}

async function pgliteSeeded(
  size: DemoSize,
  key: string,
  prepare: TemplatePrepare,
  fresh: boolean,
  cacheDir: string,
  what: string,
  ctx: BenchContext,
): Promise<SeededDatabase> {
  const templateDir = join(cacheDir, `pglite-${size}-${key.slice(0, 12)}`);
  const id = `pglite:${templateDir}`;
  let info = readInfo(templateDir);
  const reason = rebuildReason(info, fresh, id);
  const built = reason !== null;
  if (built || !info) {
    ctx.log(`  ${what}: building its template (${reason}; seeding takes minutes, later runs copy it)`);
    info = await buildPgliteTemplate(cacheDir, templateDir, size, key, prepare);
    builtHere.add(id);
  }
  const dir = tempDir('pglite');
  const started = performance.now();
  cpSync(join(templateDir, 'data'), dir, { recursive: true });
  logSource(ctx, what, info, built, performance.now() - started, bytesUnder(templateDir));
  return {
    backend: 'pglite',
    size,
    seededAt: new Date(info.seededAt),
    counts: info.counts,
    source: built ? 'built' : 'cache',
    async open() {
      const db = await openDb({ dataDir: dir });
      await migrate(db);
      return db;
    },
    serverArgs: ['--data', dir],
    dispose: async () => removeTempDir(dir),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL: a template database on the bench server, copied by CREATE DATABASE … TEMPLATE.

export const templatePrefix = (scope: string, size: DemoSize) => `desk_${scope}_tpl_${size}_`;
const buildingPrefix = (scope: string, size: DemoSize) => `desk_${scope}_tplb_${size}_`;

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(admin: pg.Client, name: string): Promise<void> {
  // A template database cannot be dropped; ALLOW_CONNECTIONS false is harmless to DROP … WITH (FORCE).
  await admin.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE false`);
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

async function databasesLike(admin: pg.Client, prefix: string): Promise<string[]> {
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname`,
    [prefix],
  );
  return rows.map((r) => r.datname);
}

async function readPostgresInfo(admin: pg.Client, name: string): Promise<TemplateInfo | null> {
  const { rows } = await admin.query<{ info: string | null }>(
    `SELECT shobj_description(oid, 'pg_database') AS info FROM pg_database WHERE datname = $1`,
    [name],
  );
  try {
    return rows[0]?.info ? (JSON.parse(rows[0].info) as TemplateInfo) : null;
  } catch {
    return null;
  }
}

async function buildPostgresTemplate(
  admin: pg.Client,
  adminUrl: string,
  name: string,
  scope: string,
  size: DemoSize,
  key: string,
  prepare: TemplatePrepare,
): Promise<TemplateInfo> {
  // The caller holds this size's build lock: a database left with the building prefix is from a dead build.
  for (const old of await databasesLike(admin, buildingPrefix(scope, size))) await dropDatabase(admin, old);
  const building = `${buildingPrefix(scope, size)}${key.slice(0, 12)}_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${building}`);
  try {
    const started = performance.now();
    const db = await openDb({ url: databaseUrl(adminUrl, building) });
    let seeded: Omit<TemplateInfo, 'buildMs'>;
    try {
      seeded = await seedTemplate(db, 'postgres', size, key, prepare);
    } finally {
      await db.close();
    }
    const info: TemplateInfo = { ...seeded, buildMs: performance.now() - started };
    for (const old of await databasesLike(admin, templatePrefix(scope, size))) await dropDatabase(admin, old);
    await admin.query(`COMMENT ON DATABASE ${building} IS ${pg.escapeLiteral(JSON.stringify(info))}`);
    // No connection may be open to a template while it is copied: refuse them all.
    await admin.query(`ALTER DATABASE ${building} WITH ALLOW_CONNECTIONS false IS_TEMPLATE true`);
    // The rename is the completion mark: only a finished build carries the template name.
    await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    return info;
  } catch (err) {
    await dropDatabase(admin, building).catch(() => undefined);
    throw err;
  }
}

async function postgresSeeded(
  size: DemoSize,
  key: string,
  prepare: TemplatePrepare,
  fresh: boolean,
  scope: string,
  what: string,
  ctx: BenchContext,
): Promise<SeededDatabase> {
  const adminUrl = postgresAdminUrl();
  if (!adminUrl) throw new Error(POSTGRES_SKIP_REASON);
  const template = `${templatePrefix(scope, size)}${key.slice(0, 12)}`;
  const id = `postgres:${new URL(adminUrl).host}:${template}`;
  const clone = `desk_${scope}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // One builder per size and server at a time; a second waits, then clones what the first built.
    await admin.query(`SELECT pg_advisory_lock(hashtext($1))`, [buildingPrefix(scope, size)]);
    let info = await readPostgresInfo(admin, template);
    const reason = rebuildReason(info, fresh, id);
    const built = reason !== null;
    if (built || !info) {
      ctx.log(`  ${what}: building its template (${reason}; seeding takes minutes, later runs copy it)`);
      info = await buildPostgresTemplate(admin, adminUrl, template, scope, size, key, prepare);
      builtHere.add(id);
    }
    const started = performance.now();
    // FILE_COPY: copies the files and checkpoints, rather than writing every page through the WAL and the buffers
    // (which would leave a checkpoint's worth of dirty pages for the measurement that follows).
    await admin.query(`CREATE DATABASE ${clone} TEMPLATE ${template} STRATEGY FILE_COPY`);
    const cloneMs = performance.now() - started;
    const { rows } = await admin.query<{ bytes: string }>(`SELECT pg_database_size($1)::text AS bytes`, [template]);
    logSource(ctx, what, info, built, cloneMs, Number(rows[0]?.bytes ?? 0));
    const url = databaseUrl(adminUrl, clone);
    return {
      backend: 'postgres',
      size,
      seededAt: new Date(info.seededAt),
      counts: info.counts,
      source: built ? 'built' : 'cache',
      async open() {
        const db = await openDb({ url });
        await migrate(db);
        return db;
      },
      serverArgs: ['--db', url],
      async dispose() {
        const client = new pg.Client({ connectionString: adminUrl });
        await client.connect();
        try {
          await client.query(`DROP DATABASE IF EXISTS ${clone} WITH (FORCE)`);
        } finally {
          await client.end();
        }
      },
    };
  } finally {
    await admin.end(); // ends the session, and its advisory lock
  }
}
