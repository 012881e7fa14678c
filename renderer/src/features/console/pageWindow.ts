/**
 * Which pages of a view the list keeps loaded: page 0 (it carries the total), the pages of the drawn rows, and
 * those within `reach.ahead` rows below / `reach.behind` rows above them, so scrolling reaches rows whose page is
 * already there. Every active page is refetched when tickets change, so the reach behind is kept short: pages
 * scrolled past stay in react-query's cache and show at once when the agent scrolls back.
 * Pure, so the window can be tested without React or a desk host.
 */
export interface PageReach {
  ahead: number;
  behind: number;
}

export function pageOffsets(
  firstIndex: number,
  lastIndex: number,
  knownTotal: number,
  pageSize: number,
  reach: PageReach,
): number[] {
  if (!Number.isInteger(pageSize) || pageSize <= 0) throw new Error(`pageOffsets: bad page size ${pageSize}`);
  const offsets = new Set<number>([0]);
  if (lastIndex >= firstIndex && firstIndex >= 0) {
    const from = Math.max(0, firstIndex - reach.behind);
    // Ahead only as far as the rows the list knows of (0 = unknown): a short view asks for no empty pages.
    const to = knownTotal > 0 ? Math.max(lastIndex, Math.min(lastIndex + reach.ahead, knownTotal - 1)) : lastIndex;
    const firstPage = Math.floor(from / pageSize);
    const lastPage = Math.floor(to / pageSize);
    for (let page = firstPage; page <= lastPage; page++) offsets.add(page * pageSize);
  }
  return [...offsets].sort((a, b) => a - b);
}

/**
 * The rows a fixed-height list draws when scrolled to `offset` (px) with a viewport `height` px high: those in view
 * and `overscan` more beyond each edge, as index ranges over `total` rows (null when there is none).
 */
export function rowsInView(
  offset: number,
  height: number,
  total: number,
  rowHeight: number,
  overscan: number,
): { first: number; last: number } | null {
  if (total <= 0) return null;
  const first = Math.max(0, Math.floor(offset / rowHeight) - overscan);
  const last = Math.min(total - 1, Math.ceil((offset + height) / rowHeight) - 1 + overscan);
  return first <= last ? { first, last } : null;
}
