/**
 * Where rows sit while the agent triages. Views are ordered by newest activity, so every action moves its
 * ticket to the top of the view (or out of it). Two rules keep the cursor where the agent expects:
 *
 * - A *held row*: the ticket just acted on stays drawn at its old place, with its new state, until the cursor
 *   leaves it ("after assign-to-me the cursor stays"). Display index ↔ data index mapping below.
 * - *Follow by id*: after a refetch the cursor looks for its ticket a few rows around its old index, so
 *   changes arriving from elsewhere do not slide the cursor onto another ticket.
 * Pure functions over `rowAt` so the virtualized list never has to load more than it shows.
 */

export interface RowLike {
  id: string;
}

export interface HeldRow<T extends RowLike> {
  index: number;
  ticket: T;
}

/** How far from its old index a ticket is looked for (one change shifts others by one row). */
export const FOLLOW_RADIUS = 3;

function findAround<T extends RowLike>(
  rowAt: (index: number) => T | undefined,
  id: string,
  centres: readonly number[],
  total: number,
): number {
  for (const centre of centres) {
    for (let d = 0; d <= FOLLOW_RADIUS; d++) {
      for (const i of d === 0 ? [centre] : [centre - d, centre + d]) {
        if (i >= 0 && i < total && rowAt(i)?.id === id) return i;
      }
    }
  }
  return -1;
}

export interface HeldView<T extends RowLike> {
  total: number;
  rowAt(index: number): T | undefined;
  /** The data index a display index shows; null for the held row itself. */
  dataIndex(index: number): number | null;
}

/**
 * The list as drawn with `held` pinned at its index: the held ticket is removed from wherever the data has
 * it now (the top, after a refetch, or still its old place before) and shown at `held.index`.
 */
export function heldView<T extends RowLike>(
  total: number,
  rowAt: (index: number) => T | undefined,
  held: HeldRow<T> | null,
): HeldView<T> {
  if (!held) return { total, rowAt, dataIndex: (index) => index };
  const at = findAround(rowAt, held.ticket.id, [held.index, 0], total);
  const dataIndex = (index: number): number | null => {
    if (index === held.index) return null;
    const k = index < held.index ? index : index - 1;
    return at >= 0 && k >= at ? k + 1 : k;
  };
  return {
    total: total - (at >= 0 ? 1 : 0) + 1,
    dataIndex,
    rowAt: (index) => {
      const i = dataIndex(index);
      if (i === null) return at >= 0 ? (rowAt(at) ?? held.ticket) : held.ticket;
      return rowAt(i);
    },
  };
}

/** The index the cursor's ticket has now, near where it was; null when it is not there (keep the index). */
export function relocate<T extends RowLike>(
  rowAt: (index: number) => T | undefined,
  total: number,
  cursor: number,
  id: string | null,
): number | null {
  if (id === null || rowAt(cursor)?.id === id) return null;
  const found = findAround(rowAt, id, [cursor], total);
  return found >= 0 ? found : null;
}

/**
 * The ticket the cursor follows after a render (`relocate` keeps it on that ticket through later changes). A new
 * list may be drawn from a page kept from before the latest changes while it is asked for again: until the agent
 * puts the cursor somewhere (a move, a jump, an action), a row of that kept page is not one they chose, and
 * following it would leave the cursor below the rows the answer adds on top. The cursor takes its first ticket from
 * an answer; after that it follows as ever.
 */
export function followedId(
  current: RowLike | undefined,
  previous: string | null,
  { placedByAgent, settling }: { placedByAgent: boolean; settling: boolean },
): string | null {
  if (!current) return previous;
  return placedByAgent || !settling || previous !== null ? current.id : null;
}
