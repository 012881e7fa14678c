/**
 * Fetching a ticket's history on open (main/sync/history-fetch): one request per ticket at a time, stored and
 * announced on success, asked again on the next open when offline, and not asked again for a while when refused.
 */
import { describe, expect, it } from 'vitest';
import type { TicketEvent } from '../../common/domain';
import type { TicketHistoryRepo } from '../../main/cache';
import { CentralError, CentralOfflineError, CentralServerError, type CentralClient } from '../../main/central';
import { REFUSED_RETRY_MS, createHistoryFetch } from '../../main/sync/history-fetch';

function harness(answer: (ticketId: string) => Promise<{ events: TicketEvent[] }>) {
  const missing = new Set(['t1', 't2', 't3', 't4']);
  const stored: string[] = [];
  const fetched: string[] = [];
  const refused: string[] = [];
  const asked: string[] = [];
  let clock = 1_000_000;
  const history: TicketHistoryRepo = {
    markMissing: (ids) => {
      for (const id of ids) missing.add(id);
    },
    isMissing: (id) => missing.has(id),
    storeFetched: (id) => {
      stored.push(id);
      missing.delete(id);
    },
  };
  const central = {
    ticketEvents: (id: string) => {
      asked.push(id);
      return answer(id);
    },
  } as unknown as CentralClient;
  const fetch = createHistoryFetch({
    central,
    history,
    onFetched: (id) => fetched.push(id),
    onRefused: (id) => refused.push(id),
    log: () => {},
    now: () => clock,
  });
  return { fetch, asked, stored, fetched, refused, advance: (ms: number) => (clock += ms) };
}

describe('history fetch on open', () => {
  it('stores and announces a fetched history once, and does not ask for a ticket it has', async () => {
    const h = harness(async () => ({ events: [] }));
    h.fetch.request('t1');
    h.fetch.request('t1');
    await h.fetch.idle();
    h.fetch.request('t1');
    h.fetch.request('not-missing');
    await h.fetch.idle();
    expect(h.asked).toEqual(['t1']);
    expect(h.stored).toEqual(['t1']);
    expect(h.fetched).toEqual(['t1']);
  });

  it('asks again on the next open while offline', async () => {
    const h = harness(async () => {
      throw new CentralOfflineError('unreachable');
    });
    h.fetch.request('t1');
    await h.fetch.idle();
    h.fetch.request('t1');
    await h.fetch.idle();
    expect(h.asked).toEqual(['t1', 't1']);
    expect(h.stored).toEqual([]);
  });

  it('does not repeat a refused request on every re-read, and asks again after the cool-down', async () => {
    const h = harness(async () => {
      throw new CentralError('rejected', 'forbidden', 'not yours', 403);
    });
    h.fetch.request('t1');
    await h.fetch.idle();
    for (let i = 0; i < 5; i++) {
      h.advance(1_000);
      h.fetch.request('t1');
      await h.fetch.idle();
    }
    h.fetch.request('t2');
    await h.fetch.idle();
    expect(h.asked).toEqual(['t1', 't2']);
    h.advance(REFUSED_RETRY_MS);
    h.fetch.request('t1');
    await h.fetch.idle();
    expect(h.asked).toEqual(['t1', 't2', 't1']);
    expect(h.fetched).toEqual([]);
  });

  it('reports and announces a refusal with its reason while it holds, not an offline failure', async () => {
    const statuses: Record<string, CentralError> = {
      t1: new CentralError('rejected', 'forbidden', 'not yours', 403),
      t2: new CentralError('rejected', 'not_found', 'gone', 404),
      t3: new CentralServerError('internal', 'boom', 500),
      t4: new CentralOfflineError('unreachable'),
    };
    const h = harness(async (id) => {
      throw statuses[id];
    });
    for (const id of Object.keys(statuses)) h.fetch.request(id);
    expect(h.fetch.refusal('t1')).toBeNull(); // asked, not answered yet
    await h.fetch.idle();
    expect(['t1', 't2', 't3', 't4'].map((id) => h.fetch.refusal(id))).toEqual([
      'forbidden',
      'not_found',
      'server_error',
      null,
    ]);
    expect(h.refused).toEqual(['t1', 't2', 't3']);
    h.advance(REFUSED_RETRY_MS);
    expect(h.fetch.refusal('t1')).toBeNull();
  });
});
