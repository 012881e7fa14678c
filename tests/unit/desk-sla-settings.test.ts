/**
 * The desk's copy of the SLA settings (main/sync/sla-settings.ts): cached in the meta table so it works offline,
 * used for optimistic SLA fields, and changed only through the server, whose refusals come back as they were.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SLA_DOCUMENT, type SlaSettingsDocument } from '../../common/sla';
import { createRepos, openCache, type CacheRepos } from '../../main/cache';
import {
  CentralOfflineError,
  CentralRejectedError,
  CentralUnauthorizedError,
  type CentralClient,
} from '../../main/central';
import { createSlaSettingsSync } from '../../main/sync/sla-settings';
import { createOutbox } from '../../main/sync/outbox';
import { createTicketShadow } from '../../main/sync/shadow';
import { parseMutation } from '../../common/mutations';
import { randomUUID } from 'node:crypto';
import type { SyncStatus } from '../../common/sync';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function openRepos(dir?: string): { repos: CacheRepos; dir: string } {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'desk-sla-settings-'));
  if (!dir) dirs.push(d);
  return { repos: createRepos(openCache(d)), dir: d };
}

const NOW = new Date('2026-11-26T02:00:00Z');
const stormy: SlaSettingsDocument = {
  ...DEFAULT_SLA_DOCUMENT,
  weatherAlert: true,
  version: 3,
  updatedAt: '2026-11-26T01:00:00.000Z',
};

/** A central client whose answers the test scripts. */
function fakeCentral(answers: { get?: () => Promise<SlaSettingsDocument>; put?: () => Promise<SlaSettingsDocument> }) {
  return {
    slaSettings: answers.get ?? (() => Promise.reject(new CentralOfflineError('down'))),
    putSlaSettings: answers.put ?? (() => Promise.reject(new CentralOfflineError('down'))),
  } as unknown as CentralClient;
}

describe('desk SLA settings', () => {
  it('uses the defaults before the first fetch and warns about the provisional year', () => {
    const { repos } = openRepos();
    const sla = createSlaSettingsSync(
      { central: fakeCentral({}), meta: repos.meta, onChange: () => {} },
      { now: () => NOW },
    );
    const view = sla.view();
    expect(view).toMatchObject({ weatherAlert: false, version: 0, fetchedAt: null });
    expect(view.warnings.map((w) => w.year)).toEqual([2027]);
    expect(sla.context().weatherAlert).toBe(false);
    repos.db.close();
  });

  it('keeps the fetched document in the cache, so a restarted desk uses it offline', async () => {
    const { repos, dir } = openRepos();
    let changes = 0;
    const online = createSlaSettingsSync(
      { central: fakeCentral({ get: () => Promise.resolve(stormy) }), meta: repos.meta, onChange: () => changes++ },
      { now: () => NOW },
    );
    expect(await online.refresh()).toBe(true);
    expect(await online.refresh()).toBe(false); // same document: no announcement
    expect(changes).toBe(1);
    repos.db.close();

    const { repos: again } = openRepos(dir);
    const offline = createSlaSettingsSync({ central: fakeCentral({}), meta: again.meta, onChange: () => {} });
    expect(offline.context().weatherAlert).toBe(true);
    expect(offline.view()).toMatchObject({ weatherAlert: true, version: 3, fetchedAt: expect.any(String) as string });
    await expect(offline.refresh()).rejects.toBeInstanceOf(CentralOfflineError);
    expect(offline.context().weatherAlert).toBe(true); // an outage never loses the cached settings
    again.db.close();
  });

  it('shows the server’s reasons when it refuses a change, and changes nothing', async () => {
    const { repos } = openRepos();
    const forbidden = createSlaSettingsSync({
      central: fakeCentral({
        put: () => Promise.reject(new CentralRejectedError('forbidden', 'PUT: forbidden', 403, { permission: 'x' })),
      }),
      meta: repos.meta,
      onChange: () => {},
    });
    await expect(forbidden.setWeatherAlert(true)).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('role') as string,
    });
    expect(forbidden.view().weatherAlert).toBe(false);

    const invalid = createSlaSettingsSync({
      central: fakeCentral({
        put: () =>
          Promise.reject(
            new CentralRejectedError('invalid_request', 'PUT: invalid_request', 400, [
              { path: ['limits', 'repair', 'respond', 'P2'], message: 'repair.respond: P2 could fall due before P1' },
            ]),
          ),
      }),
      meta: repos.meta,
      onChange: () => {},
    });
    await expect(invalid.setLimits({ repair: { respond: { P2: 10 } } })).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('P2 could fall due before P1') as string,
    });
    await expect(invalid.setYearSchedule({ year: 2027, holidays: [], workdays: [] })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    expect(repos.meta.get('sla_settings')).toBeNull();
    repos.db.close();
  });

  it('gives optimistic writes SLA fields from the cached policy (weather alert included)', async () => {
    const { repos } = openRepos();
    const sla = createSlaSettingsSync({
      central: fakeCentral({ get: () => Promise.resolve(stormy) }),
      meta: repos.meta,
      onChange: () => {},
    });
    await sla.refresh();
    const actor = { id: '00000000-0000-4000-8000-000000000001', role: 'agent', teamId: 'cs' } as const;
    const outbox = createOutbox(repos.db, repos.tickets, createTicketShadow(repos.db, repos.tickets), {
      sla: () => sla.context(),
      actor: () => actor,
    });
    const m = parseMutation('ticket.create', {
      id: randomUUID(),
      eventId: randomUUID(),
      type: 'repair',
      category: 'lift',
      channel: 'phone',
      priority: 1,
      title: '困梯',
    });
    const { effect } = outbox.enqueue(m, actor.id, NOW);
    expect(effect.ticket.slaDueAt).toBe(new Date(NOW.getTime() + 22.5 * 60_000).toISOString());
    expect(repos.tickets.get(m.args.id)?.slaDueAt).toBe(effect.ticket.slaDueAt);
    repos.db.close();
  });

  describe('logging of background fetches', () => {
    const cycle = (n: number): SyncStatus => ({
      state: 'online',
      pending: 0,
      offlineSince: null,
      lastSyncAt: new Date(NOW.getTime() + n * 1000).toISOString(),
      progress: null,
      rejected: [],
    });
    /** A fetch the test answers when it likes. */
    function pendingFetch() {
      let fail: (err: unknown) => void = () => {};
      const started = vi.fn(() => new Promise<SlaSettingsDocument>((_, reject) => (fail = reject)));
      return { started, fail: (err: unknown) => fail(err) };
    }
    /** Everything the default logger (and anyone else) printed while `run` ran. */
    async function printed(run: () => Promise<void>): Promise<string[]> {
      const lines: string[] = [];
      const spies = (['error', 'warn', 'log', 'info'] as const).map((level) =>
        vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
          lines.push(args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(' '));
        }),
      );
      try {
        await run();
      } finally {
        for (const spy of spies) spy.mockRestore();
      }
      return lines;
    }
    const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

    it('a fetch the logout overtakes is refused (401) without a word', async () => {
      const { repos } = openRepos();
      const fetch = pendingFetch();
      const sla = createSlaSettingsSync(
        { central: fakeCentral({ get: fetch.started }), meta: repos.meta, onChange: () => {} },
        { minIntervalMs: 0 },
      );
      const lines = await printed(async () => {
        sla.onSyncStatus(cycle(1));
        await vi.waitFor(() => expect(fetch.started).toHaveBeenCalledOnce());
        sla.stop(); // session.logout
        fetch.fail(new CentralUnauthorizedError('GET /api/v1/settings/sla: 401'));
        await settle();
        // A cycle reported after the logout (sync.announce) fetches nothing.
        sla.onSyncStatus(cycle(2));
        await settle();
      });
      expect(lines).toEqual([]);
      expect(fetch.started).toHaveBeenCalledOnce();
      repos.db.close();
    });

    it('logs one line, never a stack, when the session ends elsewhere or the server fails', async () => {
      const { repos } = openRepos();
      const fetch = pendingFetch();
      const sla = createSlaSettingsSync(
        { central: fakeCentral({ get: fetch.started }), meta: repos.meta, onChange: () => {} },
        { minIntervalMs: 0 },
      );
      const revoked = await printed(async () => {
        sla.onSyncStatus(cycle(1));
        await vi.waitFor(() => expect(fetch.started).toHaveBeenCalledTimes(1));
        fetch.fail(new CentralUnauthorizedError('GET /api/v1/settings/sla: 401'));
        await settle();
      });
      expect(revoked).toHaveLength(1);
      expect(revoked[0]).toMatch(/^\[sla-settings\] .*session has ended/);

      const broken = await printed(async () => {
        sla.onSyncStatus(cycle(2));
        await vi.waitFor(() => expect(fetch.started).toHaveBeenCalledTimes(2));
        fetch.fail(new CentralRejectedError('bad_response', 'GET /api/v1/settings/sla: bad body\n{"issues": []}', 200));
        await settle();
      });
      expect(broken).toHaveLength(1);
      expect(broken[0]).toContain('[sla-settings] fetch failed: CentralError 200: GET /api/v1/settings/sla: bad body');
      for (const line of [...revoked, ...broken]) {
        expect(line).not.toContain('\n');
        expect(line).not.toMatch(/\bat .*\.ts:\d+/);
      }

      // Offline is what the sync status already says: nothing printed.
      const offline = await printed(async () => {
        sla.onSyncStatus(cycle(3));
        await vi.waitFor(() => expect(fetch.started).toHaveBeenCalledTimes(3));
        fetch.fail(new CentralOfflineError('GET /api/v1/settings/sla: fetch failed'));
        await settle();
      });
      expect(offline).toEqual([]);
      repos.db.close();
    });

    it('fetches again after the next login', async () => {
      const { repos } = openRepos();
      const sla = createSlaSettingsSync(
        { central: fakeCentral({ get: () => Promise.resolve(stormy) }), meta: repos.meta, onChange: () => {} },
        { minIntervalMs: 0 },
      );
      sla.stop();
      sla.onSyncStatus(cycle(1));
      await settle();
      expect(sla.view().weatherAlert).toBe(false);
      sla.start();
      sla.onSyncStatus(cycle(2));
      await vi.waitFor(() => expect(sla.view().weatherAlert).toBe(true));
      repos.db.close();
    });
  });
});
