import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DirectoryPage } from '../../common/residents/directory';
import type { SyncStatus } from '../../common/sync';
import { openCache, type CacheDb } from '../../main/cache';
import { createResidentRepo, type ResidentRepo } from '../../main/cache/residents';
import {
  CentralOfflineError,
  CentralRejectedError,
  CentralUnauthorizedError,
  type CentralClient,
} from '../../main/central';
import { createResidentsSync } from '../../main/sync/residents';

const resident = (id: string) => ({ id, name: `住户${id}`, tags: [], phones: [], units: [] });
const online = (lastSyncAt: string): SyncStatus => ({
  state: 'online',
  pending: 0,
  offlineSince: null,
  lastSyncAt,
  progress: null,
  rejected: [],
});

let dir: string;
let db: CacheDb;
let repo: ResidentRepo;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'desk-dirsync-'));
  db = openCache(dir);
  repo = createResidentRepo(db, () => null);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fake server: pages of `size` from a list, the cursor being the index reached. */
function fakeCentral(list: string[], size: number) {
  const calls: (string | null)[] = [];
  let failNext = 0;
  const central = {
    async residentDirectory(cursor: string | null): Promise<DirectoryPage> {
      calls.push(cursor);
      if (failNext > 0) {
        failNext--;
        throw new CentralOfflineError('down');
      }
      const from = cursor ? Number(cursor.split(':')[1]) : 0;
      const items = list.slice(from, from + size).map(resident);
      return { items, cursor: `1:${from + items.length}`, more: from + size < list.length };
    },
  } as unknown as CentralClient;
  return { central, calls, fail: (n: number) => (failNext = n) };
}

describe('residents directory download', () => {
  it('downloads every page after the stored cursor, then only what is new', async () => {
    const list = ['a', 'b', 'c', 'd', 'e'];
    const server = fakeCentral(list, 2);
    const sync = createResidentsSync({ central: server.central, residents: repo });
    expect(await sync.refresh()).toBe(5);
    expect(server.calls).toEqual([null, '1:2', '1:4']);
    expect(repo.count()).toBe(5);
    list.push('f');
    expect(await sync.refresh()).toBe(1);
    expect(server.calls.at(-1)).toBe('1:5');
  });

  it('refreshes after sync cycles that reached the server, no sooner than the interval, backing off on failure', async () => {
    let clock = 0;
    const server = fakeCentral(['a'], 10);
    const sync = createResidentsSync(
      { central: server.central, residents: repo },
      // Timers never fire here (the next test covers them): only the cycles reported refresh.
      {
        now: () => clock,
        minIntervalMs: 1000,
        backoffMs: 100,
        maxBackoffMs: 400,
        log: () => {},
        setTimer: () => () => {},
      },
    );
    const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

    server.fail(3);
    sync.onSyncStatus(online('t1'));
    await settle();
    expect(server.calls).toHaveLength(1); // failed: back off 100 ms
    sync.onSyncStatus(online('t2'));
    await settle();
    expect(server.calls).toHaveLength(1);
    clock = 100;
    sync.onSyncStatus(online('t3'));
    await settle();
    expect(server.calls).toHaveLength(2); // failed again: 200 ms
    clock = 250;
    sync.onSyncStatus(online('t4'));
    await settle();
    expect(server.calls).toHaveLength(2);
    clock = 300;
    sync.onSyncStatus(online('t5'));
    await settle();
    expect(server.calls).toHaveLength(3); // third failure: 400 ms (the cap)
    clock = 700;
    sync.onSyncStatus(online('t6'));
    await settle();
    expect(server.calls).toHaveLength(4);
    expect(repo.count()).toBe(1);
    // Success: the next refresh waits the interval; the same cycle reported twice, or an offline one, does nothing.
    sync.onSyncStatus(online('t6'));
    clock = 1699;
    sync.onSyncStatus(online('t7'));
    sync.onSyncStatus({ ...online('t8'), state: 'offline' });
    await settle();
    expect(server.calls).toHaveLength(4);
    clock = 1700;
    sync.onSyncStatus(online('t9'));
    await settle();
    expect(server.calls).toHaveLength(5);
  });

  it('a cycle within the interval is not dropped: the refresh follows when the interval ends', async () => {
    let clock = 0;
    const timers: { run: () => void; ms: number; cancelled: boolean }[] = [];
    const list = ['a'];
    const server = fakeCentral(list, 10);
    const sync = createResidentsSync(
      { central: server.central, residents: repo },
      {
        now: () => clock,
        minIntervalMs: 1000,
        setTimer: (run, ms) => {
          const timer = { run, ms, cancelled: false };
          timers.push(timer);
          return () => (timer.cancelled = true);
        },
      },
    );
    const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
    sync.onSyncStatus(online('t1'));
    await settle();
    expect(repo.count()).toBe(1);

    // A resident is added centrally; the console's next cycle comes 300 ms later, within the interval.
    list.push('b');
    clock = 300;
    sync.onSyncStatus(online('t2'));
    sync.onSyncStatus(online('t3')); // one refresh is due, not two
    await settle();
    expect(server.calls).toHaveLength(1);
    expect(timers.map((t) => t.ms)).toEqual([700]);
    clock = 1000;
    timers[0]!.run();
    await settle();
    expect(server.calls).toHaveLength(2);
    expect(repo.count()).toBe(2);

    // A due refresh is cancelled by stop (signing out).
    clock = 1200;
    sync.onSyncStatus(online('t4'));
    sync.stop();
    expect(timers[1]?.cancelled).toBe(true);
  });

  it('does nothing once stopped', async () => {
    const server = fakeCentral(['a'], 10);
    const sync = createResidentsSync({ central: server.central, residents: repo });
    sync.stop();
    sync.onSyncStatus(online('t1'));
    expect(await sync.refresh()).toBe(0);
    expect(server.calls).toEqual([]);
  });

  it('logs one line per failure worth telling: not a refused session (401), never a stack', async () => {
    const lines: string[] = [];
    let failure: Error = new CentralUnauthorizedError('GET /api/v1/residents/directory: 401');
    const central = {
      residentDirectory: () => Promise.reject(failure),
    } as unknown as CentralClient;
    const sync = createResidentsSync({ central, residents: repo }, { log: (line) => lines.push(line) });
    await expect(sync.refresh()).rejects.toBe(failure);
    expect(lines).toEqual([]); // the sync engine signs the desk out; nothing to add

    failure = new CentralRejectedError('bad_response', 'GET /api/v1/residents/directory: bad body\n{"x": 1}', 200);
    await expect(sync.refresh()).rejects.toBe(failure);
    expect(lines).toEqual(['directory refresh failed: CentralError 200: GET /api/v1/residents/directory: bad body']);
  });
});
