/**
 * The ticket list's half of the keyboard layer: the cursor (with the held row and follow-by-id rules of
 * ./listPosition), bulk selection by key and by click, and the `list.*` actions. The list stays virtualized:
 * everything here reads rows through `rowAt`, which only knows the loaded pages.
 *
 * The cursor and the open ticket stay one (../useCurrentTicket): a cursor request puts the cursor on a ticket shown
 * from elsewhere, and while a ticket is open a cursor move opens the ticket it lands on.
 */
import { useLayoutEffect, useRef, useState, type MouseEvent, type RefObject } from 'react';
import type { Ticket } from '../../../../../common/domain';
import type { CursorRequest } from '../useCurrentTicket';
import { followedId, heldView, relocate, type HeldRow } from './listPosition';
import { useAction } from './registry';
import { add, rangeRows, toggle } from './selection';
import { useTriage } from './triageContext';

export interface TriageList {
  /** Rows as drawn (the view's rows, ± the held row). */
  total: number;
  rowAt(index: number): Ticket | undefined;
  activeIndex: number;
  isSelected(ticket: Ticket | undefined): boolean;
  onRowClick(index: number, event: MouseEvent): void;
  onCheckboxClick(index: number, event: MouseEvent): void;
}

export function useTriageList({
  total: dataTotal,
  rowAt: dataRowAt,
  settling,
  scrollToIndex,
  screenRows,
  listRef,
  openTicketId,
  cursorRequest,
  onOpen,
}: {
  total: number | null;
  rowAt: (index: number) => Ticket | undefined;
  /** A page of the rows drawn is being asked for (again): the rows may still move (see followedId). */
  settling: boolean;
  scrollToIndex: (index: number) => void;
  /** Rows that fit in the list's viewport (PageDown / PageUp move the cursor by that many). */
  screenRows: () => number;
  listRef: RefObject<HTMLElement | null>;
  openTicketId: string | null;
  cursorRequest: CursorRequest | null;
  onOpen: (ticketId: string) => void;
}): TriageList {
  const triage = useTriage();
  const [cursor, setCursor] = useState(() => cursorRequest?.index ?? 0);
  const [held, setHeld] = useState<HeldRow<Ticket> | null>(null);
  const cursorId = useRef<string | null>(cursorRequest?.id ?? null);
  /** The agent has put the cursor somewhere in this list (a move, a jump here, an action on its row). */
  const placedByAgent = useRef(cursorRequest !== null);
  const appliedRequest = useRef(cursorRequest?.seq ?? 0);
  const anchor = useRef<number | null>(null);
  /** Set by a cursor move while a ticket is open: open the row it lands on once that row is loaded. */
  const followWithDetail = useRef(false);
  /** Set by Enter on a row whose page is still loading (End, then Enter at once): open it once it is loaded. */
  const openWhenLoaded = useRef(false);

  const display = heldView(dataTotal ?? 0, dataRowAt, held);
  const activeIndex = Math.min(cursor, Math.max(display.total - 1, 0));
  if (!held) {
    const moved = relocate(display.rowAt, display.total, activeIndex, cursorId.current);
    if (moved !== null) setCursor(moved);
  }
  const current = display.rowAt(activeIndex);

  // A layout effect, run as this render commits: a passive one can run late — after the next key press has
  // already moved the cursor and set cursorId — and put the old id back, and `relocate` then follows that old id
  // and undoes the move (a `j` lost under load).
  useLayoutEffect(() => {
    cursorId.current = followedId(current, cursorId.current, { placedByAgent: placedByAgent.current, settling });
    triage.cursorTicket.current = current;
    if (followWithDetail.current && current) {
      followWithDetail.current = false;
      if (openTicketId !== null && current.id !== openTicketId) onOpen(current.id);
    }
    if (openWhenLoaded.current && current) {
      openWhenLoaded.current = false;
      onOpen(current.id);
    }
  });

  // A ticket shown from elsewhere: the cursor goes to its row (found by id once the row's page is loaded).
  useLayoutEffect(() => {
    if (!cursorRequest || cursorRequest.seq === appliedRequest.current) {
      if (cursorRequest) scrollToIndex(cursorRequest.index); // a new list's first scroll
      return;
    }
    appliedRequest.current = cursorRequest.seq;
    placedByAgent.current = true;
    followWithDetail.current = false;
    setHeld(null);
    setCursor(cursorRequest.index);
    cursorId.current = cursorRequest.id;
    scrollToIndex(cursorRequest.index);
  }, [cursorRequest]); // only when the request changes (scrollToIndex is a new function each render)

  /** Moves to a drawn index; leaving the held row lets the list show its real order again. */
  function moveTo(index: number) {
    if (display.total === 0) return;
    const target = Math.max(0, Math.min(display.total - 1, index));
    if (held && target === held.index) return;
    const next = held ? (display.dataIndex(target) ?? target) : target;
    if (held) setHeld(null);
    placedByAgent.current = true;
    setCursor(next);
    cursorId.current = display.rowAt(target)?.id ?? null;
    followWithDetail.current = openTicketId !== null;
    openWhenLoaded.current = false; // a later move cancels a pending Enter
    scrollToIndex(next);
  }

  function extend(delta: 1 | -1) {
    const next = activeIndex + delta;
    triage.setSelection((selection) => add(selection, [display.rowAt(activeIndex), display.rowAt(next)]));
    anchor.current ??= activeIndex;
    moveTo(next);
  }

  useAction('list.next', () => moveTo(activeIndex + 1));
  useAction('list.prev', () => moveTo(activeIndex - 1));
  useAction('list.first', () => moveTo(0));
  useAction('list.last', () => moveTo(display.total - 1));
  useAction('list.pageDown', () => moveTo(activeIndex + screenRows()));
  useAction('list.pageUp', () => moveTo(activeIndex - screenRows()));
  useAction('list.open', () => {
    placedByAgent.current = true; // the ticket opened is the one to follow
    if (current) onOpen(current.id);
    else openWhenLoaded.current = display.total > 0;
  });
  useAction('list.toggleSelect', () => {
    if (!current) return;
    placedByAgent.current = true;
    triage.setSelection((selection) => toggle(selection, current));
    anchor.current = activeIndex;
  });
  useAction('list.extendDown', () => extend(1));
  useAction('list.extendUp', () => extend(-1));
  useAction('list.focus', () => listRef.current?.focus());
  useAction('list.hold', (arg) => {
    const ticket = arg as Ticket | undefined;
    if (!ticket || current?.id !== ticket.id) return;
    placedByAgent.current = true;
    setHeld({ index: activeIndex, ticket });
  });
  // After a status change: keep the changed row where it was and step to the row after it.
  useAction('list.advance', (arg) => {
    const ticket = arg as Ticket | undefined;
    if (!ticket || current?.id !== ticket.id) return;
    placedByAgent.current = true;
    const pinned = heldView(dataTotal ?? 0, dataRowAt, { index: activeIndex, ticket });
    if (activeIndex + 1 >= pinned.total) {
      setHeld({ index: activeIndex, ticket });
      return;
    }
    const next = pinned.dataIndex(activeIndex + 1) ?? activeIndex + 1;
    setHeld(null);
    setCursor(next);
    cursorId.current = pinned.rowAt(activeIndex + 1)?.id ?? null;
    scrollToIndex(next);
  });

  function selectRange(index: number) {
    const from = anchor.current ?? activeIndex;
    triage.setSelection((selection) => add(selection, rangeRows(display.rowAt, from, index)));
  }

  return {
    total: display.total,
    rowAt: display.rowAt,
    activeIndex,
    isSelected: (ticket) => ticket !== undefined && triage.selection.has(ticket.id),
    onRowClick(index, event) {
      if (event.shiftKey) {
        selectRange(index);
        moveTo(index);
        return;
      }
      moveTo(index);
      const ticket = display.rowAt(index);
      if (ticket) onOpen(ticket.id);
    },
    onCheckboxClick(index, event) {
      event.stopPropagation();
      const ticket = display.rowAt(index);
      if (!ticket) return;
      if (event.shiftKey) selectRange(index);
      else triage.setSelection((selection) => toggle(selection, ticket));
      anchor.current = index;
    },
  };
}
