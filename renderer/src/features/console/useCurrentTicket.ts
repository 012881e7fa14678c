/**
 * The console's one "current ticket" (issue 9 item 1): the ticket whose detail is shown, else the ticket under
 * the list cursor. Every action, dialog title and notice names and acts on it (./keyboard/TriageProvider).
 *
 * To keep the two from drifting apart, a ticket shown from anywhere — a palette jump, search, intake, a pop, the
 * rejected-changes list — also moves the list cursor onto it: the host says where the ticket sits
 * (`tickets.locate`), in the current view when that view holds it, else in a view that does (the list is
 * switched there). A jump asks once (`tickets.jump`: the detail, the place and the page holding the row) and seeds
 * the query cache with the answer, so the list, its cursor and the detail paint in one render, not three round
 * trips apart. And while a detail is open, moving the cursor opens the ticket under it (the list's half,
 * ./keyboard/useTriageList).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { ViewId } from '../../../../common/contract';
import { desk } from '../../api/desk';
import { deskKeys, TICKET_PAGE_SIZE } from '../../api/queries';

/** Put the cursor of `view`'s list on row `index`, ticket `id`; `seq` tells a new request from one applied. */
export interface CursorRequest {
  view: ViewId;
  index: number;
  id: string;
  seq: number;
}

export interface CurrentTicket {
  view: ViewId;
  openTicketId: string | null;
  cursorRequest: CursorRequest | null;
  /** Opens the ticket's detail and moves the cursor onto it (into a view that holds it, if need be). */
  showTicket(id: string): void;
  /** The list's cursor moved onto this ticket while a detail was open, or the agent opened the cursor's row. */
  openAtCursor(id: string): void;
  closeTicket(): void;
  /** Another view; an open ticket stays open and the new list's cursor starts on it when the view holds it. */
  changeView(view: ViewId): void;
}

export function useCurrentTicket(firstView: ViewId): CurrentTicket {
  const [view, setView] = useState<ViewId>(firstView);
  const [openTicketId, setOpenTicketId] = useState<string | null>(null);
  const [cursorRequest, setCursorRequest] = useState<CursorRequest | null>(null);
  // Each jump or cursor move counts up: a locate answered after a later one must not move the cursor back.
  const latest = useRef(0);
  const current = useRef({ view, openTicketId });
  useLayoutEffect(() => {
    current.current = { view, openTicketId };
  });

  /** Asks where `id` sits and moves the cursor there; `anyView`: switch views when this one does not hold it. */
  const place = useCallback((id: string, inView: ViewId, anyView: boolean) => {
    const seq = ++latest.current;
    desk.tickets.locate({ id, view: inView }).then(
      (found) => {
        if (seq !== latest.current || !found) return;
        if (found.view !== inView && !anyView) return;
        current.current = { ...current.current, view: found.view };
        setView(found.view);
        setCursorRequest({ ...found, id, seq });
      },
      () => {}, // the detail is open anyway; the cursor just stays where it was
    );
  }, []);

  const client = useQueryClient();
  const showTicket = useCallback(
    (id: string) => {
      const seq = ++latest.current;
      const open = () => {
        setOpenTicketId(id);
        current.current = { ...current.current, openTicketId: id };
      };
      desk.tickets.jump({ id, view: current.current.view, pageSize: TICKET_PAGE_SIZE }).then(
        ({ detail, place }) => {
          if (seq !== latest.current) return;
          if (detail) client.setQueryData(deskKeys.ticket(id), detail);
          if (place) {
            client.setQueryData(deskKeys.listPage(place.view, place.offset), place.page);
            current.current = { ...current.current, view: place.view };
            setView(place.view);
            setCursorRequest({ view: place.view, index: place.index, id, seq });
          }
          open();
        },
        () => {
          if (seq === latest.current) open(); // the detail asks again on its own and shows any failure
        },
      );
    },
    [client],
  );

  const openAtCursor = useCallback((id: string) => {
    latest.current++;
    setOpenTicketId(id);
  }, []);

  const closeTicket = useCallback(() => {
    latest.current++;
    setOpenTicketId(null);
  }, []);

  const changeView = useCallback(
    (next: ViewId) => {
      latest.current++;
      setView(next);
      setCursorRequest(null); // an earlier jump's row is not where this list starts
      current.current = { ...current.current, view: next };
      const open = current.current.openTicketId;
      if (open) place(open, next, false);
    },
    [place],
  );

  return { view, openTicketId, cursorRequest, showTicket, openAtCursor, closeTicket, changeView };
}
