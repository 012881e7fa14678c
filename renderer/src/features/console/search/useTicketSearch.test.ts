/**
 * Search pages: where the next page starts (none after a short page, once the host's total is reached, or past the
 * contract's largest offset), and the pages as one list with the total when the host gave one.
 */
import { describe, expect, it, vi } from 'vitest';
import type { SearchResult } from '../../../../../common/contract';
import { SEARCH_LIMIT, SEARCH_MAX_OFFSET, flattenSearch, nextSearchOffset } from './useTicketSearch';

vi.mock('../../../api/desk', () => ({ desk: {} }));

const item = (id: string) => ({ ticket: { id }, highlights: [] }) as unknown as SearchResult['items'][number];
const page = (from: number, n: number, total?: number): SearchResult => ({
  items: Array.from({ length: n }, (_, i) => item(`t${from + i}`)),
  ...(total === undefined ? {} : { total }),
});

describe('search pages', () => {
  it('asks for the next page after a full one without a total ("50+")', () => {
    expect(nextSearchOffset([page(0, SEARCH_LIMIT)])).toBe(SEARCH_LIMIT);
    expect(nextSearchOffset([page(0, SEARCH_LIMIT), page(SEARCH_LIMIT, SEARCH_LIMIT)])).toBe(2 * SEARCH_LIMIT);
  });

  it('stops after a short page, at the total, and past the largest offset', () => {
    expect(nextSearchOffset([])).toBeUndefined();
    expect(nextSearchOffset([page(0, 7, 7)])).toBeUndefined();
    expect(nextSearchOffset([page(0, SEARCH_LIMIT), page(SEARCH_LIMIT, 3, SEARCH_LIMIT + 3)])).toBeUndefined();
    expect(nextSearchOffset([page(0, SEARCH_LIMIT, SEARCH_LIMIT)])).toBeUndefined();
    // A ranked (FTS) search knows its total from the first page and still has more.
    expect(nextSearchOffset([page(0, SEARCH_LIMIT, 1234)])).toBe(SEARCH_LIMIT);
    const deep = Array.from({ length: SEARCH_MAX_OFFSET / SEARCH_LIMIT + 1 }, (_, i) =>
      page(i * SEARCH_LIMIT, SEARCH_LIMIT),
    );
    expect(nextSearchOffset(deep)).toBeUndefined();
  });

  it('flattens the pages, once per ticket, with the latest total', () => {
    const data = { pages: [page(0, 3), page(2, 3, 5)], pageParams: [0, 3] };
    const flat = flattenSearch(data);
    expect(flat.items.map((i) => i.ticket.id)).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(flat.total).toBe(5);
    expect(flattenSearch({ pages: [page(0, 2)], pageParams: [0] }).total).toBeUndefined();
    expect(flattenSearch(undefined)).toEqual({ items: [], total: undefined });
  });
});
