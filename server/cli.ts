/**
 * `tsx server/cli.ts [--port 4100] [--host 127.0.0.1] [--data DIR | --db URL] [--seed demo] [--size small|medium|large]
 *  [--cti-token TOKEN] [--retention-days N] [--trust-proxy false|true|HOPS|ADDR,…] [--init-admin]
 *  [--add-kiosk NAME]` — runs the central server (migrations first), or creates the first admin (or a lobby kiosk
 *  account) and exits.
 */
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildServer } from './app';
import { anyHasPassword, createUser } from './auth/users';
import type { Db } from './db/driver';
import type { DemoSize } from './seed/generate';
import { migrate } from './db/migrate';
import { backfillPhoneMasks } from './privacy/backfill';
import { openDb } from './db/open';
import { parseTrustProxy, type TrustProxy } from './http/trust-proxy';

const USAGE =
  'usage: tsx server/cli.ts [--port 4100] [--host 127.0.0.1] [--data DIR | --db URL] [--seed demo] ' +
  '[--size small|medium|large] [--cti-token TOKEN] [--retention-days N] [--trust-proxy false|true|HOPS|ADDR,…] [--init-admin] ' +
  '[--add-kiosk NAME]';

const DEMO_USERNAMES = ['admin', 'agent01', 'lead01', 'kiosk01', 'pbx'];

interface CliOptions {
  port: number;
  host: string;
  url: string | undefined;
  dataDir: string;
  seed: 'demo' | undefined;
  size: DemoSize;
  initAdmin: boolean;
  /** --add-kiosk NAME: create a lobby kiosk account (kiosk and display screens sign in with it) and exit. */
  addKiosk: string | undefined;
  /** The Zammad-compatible CTI endpoint's token (--cti-token, else DESK_CTI_TOKEN); none: that endpoint is off. */
  ctiToken: string | null;
  /**
   * Days after which call records and closed tickets lose their personal fields (--retention-days, else
   * DESK_RETENTION_DAYS); undefined: the server's default of 3 years.
   */
  retentionDays: number | undefined;
  /** Reverse proxies whose X-Forwarded-For is believed (--trust-proxy, else DESK_TRUST_PROXY); default none. */
  trustProxy: TrustProxy;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseCli(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '4100' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string' },
      db: { type: 'string' },
      seed: { type: 'string' },
      size: { type: 'string', default: 'small' },
      'init-admin': { type: 'boolean', default: false },
      'add-kiosk': { type: 'string' },
      'cti-token': { type: 'string' },
      'retention-days': { type: 'string' },
      'trust-proxy': { type: 'string' },
    },
  });
  const ctiToken = values['cti-token'] ?? process.env.DESK_CTI_TOKEN ?? '';
  // The token is a URL path segment that PBX admins paste: long enough not to be guessed, URL-safe.
  if (ctiToken && !/^[A-Za-z0-9_-]{16,128}$/.test(ctiToken)) {
    fail('--cti-token / DESK_CTI_TOKEN must be 16–128 characters of A–Z, a–z, 0–9, _ or -');
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid --port ${values.port}`);
  if (values.data && values.db) fail('give --data or --db, not both');
  if (values.seed !== undefined && values.seed !== 'demo') fail(`unknown --seed ${values.seed}`);
  if (values.size !== 'small' && values.size !== 'medium' && values.size !== 'large')
    fail(`unknown --size ${values.size}`);
  let trustProxy: TrustProxy;
  try {
    trustProxy = parseTrustProxy(values['trust-proxy'] ?? process.env.DESK_TRUST_PROXY);
  } catch (err) {
    fail(`--trust-proxy / DESK_TRUST_PROXY: ${(err as Error).message}`);
  }
  return {
    port,
    host: values.host,
    url: values.db ?? (values.data ? undefined : process.env.DATABASE_URL || undefined),
    dataDir: resolve(values.data ?? '.data/server'),
    seed: values.seed,
    size: values.size,
    initAdmin: values['init-admin'],
    addKiosk: values['add-kiosk'],
    ctiToken: ctiToken || null,
    retentionDays: retentionDays(values['retention-days'] ?? process.env.DESK_RETENTION_DAYS),
    trustProxy,
  };
}

/** At least a day, at most a century: a typo must not anonymise everything, nor keep it for ever. */
function retentionDays(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const days = Number(raw);
  if (!/^\d{1,5}$/.test(raw) || days < 1 || days > 36_500) {
    fail(`--retention-days / DESK_RETENTION_DAYS must be a whole number of days from 1 to 36500, not ${raw}`);
  }
  return days;
}

async function promptAdminCredentials(): Promise<{ username: string; password: string }> {
  const fromEnv = { username: process.env.DESK_ADMIN_USERNAME, password: process.env.DESK_ADMIN_PASSWORD };
  if (fromEnv.username && fromEnv.password) return { username: fromEnv.username, password: fromEnv.password };
  if (!process.stdin.isTTY) fail('--init-admin needs a terminal or DESK_ADMIN_USERNAME and DESK_ADMIN_PASSWORD');
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  try {
    const username = (await rl.question('admin username: ')).trim();
    // Hide the password: swallow the echo of what is typed after the prompt.
    const output = rl as unknown as { _writeToOutput: (s: string) => void };
    const write = output._writeToOutput.bind(rl);
    output._writeToOutput = (s: string) => write(s.startsWith('admin password') ? s : '');
    const password = await rl.question('admin password: ');
    process.stdout.write('\n');
    if (!username || password.length < 8) fail('username required, password at least 8 characters');
    return { username, password };
  } finally {
    rl.close();
  }
}

async function initAdmin(db: Db): Promise<void> {
  const { username, password } = await promptAdminCredentials();
  const admin = await createUser(db, { username, name: username, role: 'admin', password });
  process.stdout.write(`created admin ${admin.username} (${admin.id})\n`);
}

/**
 * A lobby kiosk account: the role whose token may only take numbers, report repairs, check a status by code and
 * last 4 digits, and read the queue board. Its password is DESK_KIOSK_PASSWORD or a random one, printed once.
 */
async function addKiosk(db: Db, username: string): Promise<void> {
  if (!/^[\w.-]{1,64}$/.test(username)) fail('--add-kiosk needs a user name of letters, digits, _ . or -');
  const password = process.env.DESK_KIOSK_PASSWORD || randomBytes(18).toString('base64url');
  if (password.length < 8) fail('DESK_KIOSK_PASSWORD must have at least 8 characters');
  const kiosk = await createUser(db, { username, name: username, role: 'kiosk', password });
  process.stdout.write(`created kiosk account ${kiosk.username} (${kiosk.id})\n`);
  if (!process.env.DESK_KIOSK_PASSWORD) process.stdout.write(`password (shown once): ${password}\n`);
}

async function seedDemoData(db: Db, size: DemoSize): Promise<void> {
  // Loaded only when asked for, so a plain server never pulls in the generator.
  const { seedDemo } = await import('./seed/index');
  const started = Date.now();
  const { seeded } = await seedDemo(db, { size });
  process.stdout.write(
    seeded ? `seeded demo data (${size}) in ${Date.now() - started} ms\n` : 'demo seed skipped: users exist\n',
  );
}

/** Demo accounts are a known password on a network service: say so where the operator will see it. */
async function hasDemoAccounts(db: Db): Promise<boolean> {
  // Only accounts that exist are checked: each check is a full scrypt, and a real server has none of these names.
  return anyHasPassword(db, DEMO_USERNAMES, 'demo');
}

function warnDemoAccounts(): void {
  const bar = '!'.repeat(78);
  process.stderr.write(
    [
      bar,
      '!!  WARNING: DEMO ACCOUNTS ARE ENABLED ON THIS SERVER',
      '!!  admin, agent01…agent20, lead01…lead03, kiosk01 and pbx (CTI) all have the password "demo".',
      '!!  Anyone who can reach this port can log in. Never expose it beyond a test machine.',
      bar,
      '',
    ].join('\n'),
  );
}

/** DESK_CTI_RATE_LIMIT: webhook requests per client address a minute (a PBX posting for a large site, a bench). */
function ctiRateLimit(): { rateLimit?: { max: number; timeWindow: string } } {
  const raw = process.env.DESK_CTI_RATE_LIMIT;
  if (!raw) return {};
  const max = Number(raw);
  if (!Number.isInteger(max) || max < 1) fail(`DESK_CTI_RATE_LIMIT must be a positive integer, not ${raw}`);
  return { rateLimit: { max, timeWindow: '1 minute' } };
}

async function main(): Promise<void> {
  const options = parseCli(process.argv.slice(2));
  const db = await openDb({ url: options.url, dataDir: options.dataDir });
  await migrate(db);
  // PGlite runs no autovacuum, so no statistics unless asked: refresh them at each start, before answering, so the
  // planner does not take grown tables for empty ones (one slow plan stalls every request on PGlite's one connection).
  if (db.kind === 'pglite') await db.query('ANALYZE');
  const masked = await backfillPhoneMasks(db);
  if (masked > 0) process.stdout.write(`masked the phone numbers of ${masked} ticket(s) for the consoles\n`);

  if (options.initAdmin) {
    await initAdmin(db);
    await db.close();
    return;
  }
  if (options.addKiosk !== undefined) {
    await addKiosk(db, options.addKiosk);
    await db.close();
    return;
  }
  if (options.seed === 'demo') await seedDemoData(db, options.size);
  if (options.seed === 'demo' || (await hasDemoAccounts(db))) warnDemoAccounts();

  const app = buildServer({
    db,
    logger: { level: process.env.LOG_LEVEL ?? 'info' },
    cti: { token: options.ctiToken, ...ctiRateLimit() },
    personalDataRetentionDays: options.retentionDays,
    trustProxy: options.trustProxy,
  });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  process.stdout.write(`listening on http://${options.host}:${port}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`server failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
