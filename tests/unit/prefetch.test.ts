/**
 * Pull pages asked for back to back (main/sync/prefetch): the next request leaves when a page arrives, not when
 * the engine takes it; no more than `ahead` pages wait; pages come out in cursor order; close() stops the chain.
 */
import { describe, expect, it } from 'vitest';
import type { PullResponse } from '../../common/sync';
import { prefetchPages } from '../../main/sync/prefetch';

/** A server of `total` pages whose cursors are "c1", "c2", … and which records every request. */
function fakeServer(total: number) {
  const requests: (string | null)[] = [];
  const fetchPage = async (cursor: string | null): Promise<PullResponse> => {
    requests.push(cursor);
    const n = cursor === null ? 1 : Number(cursor.slice(1)) + 1;
    return { cursor: `c${n}`, lastMutationId: 0, changes: [], more: n < total };
  };
  return { requests, fetchPage };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('prefetchPages', () => {
  it('asks for the next page as soon as one arrives, up to `ahead` pages, and hands them out in order', async () => {
    const server = fakeServer(6);
    const pages = prefetchPages(server.fetchPage, null, true, new AbortController().signal, 2);
    await settle();
    // Nothing taken yet: two pages are in (the second asked for when the first arrived); the third waits.
    expect(server.requests).toEqual([null, 'c1']);
    expect((await pages.next()).cursor).toBe('c1');
    await settle();
    expect(server.requests).toEqual([null, 'c1', 'c2']);
    const cursors = ['c1'];
    for (;;) {
      const page = await pages.next();
      cursors.push(page.cursor);
      if (!page.more) break;
    }
    expect(cursors).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    expect(server.requests).toEqual([null, 'c1', 'c2', 'c3', 'c4', 'c5']);
    await expect(pages.next()).rejects.toThrow(/no page requested/);
  });

  it('stops asking after close()', async () => {
    const server = fakeServer(10);
    const pages = prefetchPages(server.fetchPage, 'c3', false, new AbortController().signal, 2);
    await settle();
    pages.close();
    await pages.next();
    await settle();
    expect(server.requests).toEqual(['c3', 'c4']);
  });

  it('hands a failed request to the caller and does not chain past it', async () => {
    const requests: (string | null)[] = [];
    const pages = prefetchPages(
      async (cursor) => {
        requests.push(cursor);
        throw new Error('offline');
      },
      null,
      false,
      new AbortController().signal,
    );
    await expect(pages.next()).rejects.toThrow('offline');
    await settle();
    expect(requests).toEqual([null]);
  });
});
