/**
 * Signing out is quiet: the desk host's background fetches that the logout overtakes (the SLA settings fetched
 * after a sync cycle, the residents directory) are refused with 401 once the token is revoked, which is expected
 * and must not print a stack in the terminal (issue 9 point 3: "[sla-settings] fetch failed
 * CentralUnauthorizedError … 401" at every sign-out). The real desk against the real server (PGlite in memory).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { dispatchDeskCall, type MethodInput, type MethodName } from '../../common/contract';
import { createDesk } from '../../main/desk';
import { buildServer } from '../../server/app';
import { createUser } from '../../server/auth/users';
import { migrate } from '../../server/db/migrate';
import { openDb } from '../../server/db/open';

const PASSWORD = 'correct horse battery';
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const step of cleanup.splice(0).reverse()) await step();
});

it('prints nothing when a lead signs out after a sync (the SLA settings fetch it overtakes is refused)', async () => {
  const db = await openDb({ dataDir: 'memory' });
  cleanup.push(() => db.close());
  await migrate(db);
  await createUser(db, { username: 'lead01', name: '值班主管', role: 'lead', password: PASSWORD });
  const server = buildServer({ db });
  await server.listen({ host: '127.0.0.1', port: 0 });
  cleanup.push(() => server.close());
  const profileDir = mkdtempSync(join(tmpdir(), 'desk-signout-'));
  cleanup.push(() => rmSync(profileDir, { recursive: true, force: true }));

  const printed: string[] = [];
  for (const level of ['error', 'warn', 'log', 'info'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      printed.push(args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(' '));
    });
  }
  const desk = await createDesk({
    profileDir,
    serverUrl: `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    live: false,
    sync: { intervalMs: 60_000 },
  });
  cleanup.push(() => desk.close());
  const call = async <M extends MethodName>(method: M, input: MethodInput<M>) => {
    const res = await dispatchDeskCall(desk.handlers, method, input);
    if (!res.ok) throw new Error(res.error.message);
  };

  await call('session.login', { username: 'lead01', password: PASSWORD });
  await call('sync.now', {});
  // A second cycle within the SLA settings' interval: its fetch is scheduled for later, after the logout.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  await call('sync.now', {});
  await call('session.logout', {});
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect(printed).toEqual([]);
});
