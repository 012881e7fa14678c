/**
 * main/services/first-sync-reads: while the first sync fills the cache, searches and tickets not cached yet are
 * answered by the server; otherwise, or when the server is unreachable, slow or refusing, the cache answers (null).
 */
import { describe, expect, it } from 'vitest';
import type { Ticket, TicketEvent } from '../../common/domain';
import type { TicketRepo } from '../../main/cache';
import { CentralOfflineError, CentralServerError, type CentralClient } from '../../main/central';
import { createFirstSyncReads, READ_TIMEOUT_MS } from '../../main/services/first-sync-reads';
import { testPhoneHash } from '../support/phone-hash';
import { sampleTicket } from '../support/ticket-sample';

const serverTicket: Ticket = { ...sampleTicket(testPhoneHash), phoneHash: null, title: '厨房水管漏水（服务器）' };
const event: TicketEvent = {
  id: '7f1c2a4e-9b3d-4c5e-8f7a-1b2c3d4e5f61',
  ticketId: serverTicket.id,
  kind: 'created',
  body: '厨房水管漏水',
  data: {},
  authorId: null,
  createdAt: serverTicket.createdAt,
};

function setup(opts: { filling?: boolean; cached?: Ticket; fail?: Error; slow?: boolean } = {}) {
  const asked: string[] = [];
  const answer = async <T>(what: string, value: T, signal?: AbortSignal): Promise<T> => {
    asked.push(what);
    if (opts.fail) throw opts.fail;
    if (opts.slow) {
      await new Promise((_, reject) =>
        signal?.addEventListener('abort', () => reject(new CentralOfflineError('timeout'))),
      );
    }
    return value;
  };
  const central = {
    tickets: (query: { q?: string; limit: number }, signal?: AbortSignal) =>
      answer(`tickets ${query.q} ${query.limit}`, { items: [serverTicket], nextCursor: null }, signal),
    ticket: (id: string, signal?: AbortSignal) =>
      answer(`ticket ${id}`, id === serverTicket.id ? { ticket: serverTicket, events: [event] } : null, signal),
  } as unknown as CentralClient;
  const tickets = {
    get: (id: string) => (opts.cached?.id === id ? opts.cached : undefined),
    events: () => [],
  } as unknown as TicketRepo;
  const logged: string[] = [];
  const reads = createFirstSyncReads({
    central,
    tickets,
    filling: () => opts.filling ?? true,
    log: (m) => logged.push(m),
  });
  return { reads, asked, logged };
}

describe('first-sync reads', () => {
  it('while filling: a ticket not cached opens from the server, read-only; an unknown one is null', async () => {
    const { reads } = setup();
    expect(await reads.ticket(serverTicket.id)).toEqual({ ticket: serverTicket, events: [event], fromServer: true });
    expect(await reads.ticket('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('while filling: search is the server’s, with highlights, each ticket as the cache holds it when it does', async () => {
    const cached = { ...serverTicket, title: '厨房水管漏水（本机未发送的修改）' };
    const { reads, asked } = setup({ cached });
    const result = await reads.search('漏水', { limit: 20, offset: 0 });
    expect(asked).toEqual(['tickets 漏水 20']);
    expect(result?.fromServer).toBe(true);
    expect(result?.items.map((i) => i.ticket.title)).toEqual([cached.title]);
    expect(result?.items[0]?.highlights).toContainEqual({ field: 'title', text: cached.title, ranges: [[4, 6]] });
    // A later page asks the server for the rows up to its end.
    await reads.search('漏水', { limit: 20, offset: 40 });
    expect(asked.at(-1)).toBe('tickets 漏水 60');
  });

  it('the cache answers alone (null) once it is whole, for an empty query, and past the server list’s limit', async () => {
    const whole = setup({ filling: false });
    expect(await whole.reads.search('漏水', { limit: 20, offset: 0 })).toBeNull();
    expect(await whole.reads.ticket(serverTicket.id)).toBeNull();
    expect(whole.asked).toEqual([]);
    const filling = setup();
    expect(await filling.reads.search('   ', { limit: 20, offset: 0 })).toBeNull();
    expect(await filling.reads.search('漏水', { limit: 100, offset: 450 })).toBeNull();
    expect(filling.asked).toEqual([]);
  });

  it('a server that is unreachable, refusing or slow leaves the answer to the cache; only a refusal is logged', async () => {
    const offline = setup({ fail: new CentralOfflineError('unreachable') });
    expect(await offline.reads.search('漏水', { limit: 20, offset: 0 })).toBeNull();
    expect(await offline.reads.ticket(serverTicket.id)).toBeNull();
    expect(offline.logged).toEqual([]);
    const failing = setup({ fail: new CentralServerError('http_500', 'boom', 500) });
    expect(await failing.reads.search('漏水', { limit: 20, offset: 0 })).toBeNull();
    expect(failing.logged).toHaveLength(1);
    const slow = setup({ slow: true });
    const started = performance.now();
    expect(await slow.reads.ticket(serverTicket.id)).toBeNull();
    expect(performance.now() - started).toBeGreaterThanOrEqual(READ_TIMEOUT_MS - 50);
  });

  it('a ticket cached while the server answered is the cache’s copy (the one to act on)', async () => {
    const { reads } = setup({ cached: serverTicket });
    expect(await reads.ticket(serverTicket.id)).toEqual({ ticket: serverTicket, events: [] });
  });
});
