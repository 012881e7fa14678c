/**
 * The ticket list of one view: a virtualized listbox over all `total` rows that fetches pages as they
 * scroll into view. Keys, cursor and bulk selection come from the keyboard layer (./keyboard: useTriageList).
 */
import { useVirtualizer, type VirtualItem } from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ViewId } from '../../../../common/contract';
import type { CursorRequest } from './useCurrentTicket';
import { isOpen } from '../../../../common/workflows';
import { deskErrorMessage } from '../../api/errors';
import { BulkBar } from './keyboard/BulkBar';
import { useTriageList } from './keyboard/useTriageList';
import { useRowText } from './rowText';
import { useMinuteClock } from './sla/queries';
import { TicketRow } from './TicketRow';
import { rowsInView } from './pageWindow';
import { useTicketPages } from './useTicketPages';

/** Fixed: rows are never measured, so scrolling and cursor moves cause no layout reads. */
const ROW_HEIGHT = 52;
/** Rows drawn beyond each edge of the viewport (about half a screen), so fast scrolling shows no gap. */
const OVERSCAN = 8;

interface TicketListProps {
  view: ViewId;
  openTicketId: string | null;
  /** Put the cursor on this row (a ticket shown from elsewhere). */
  cursorRequest: CursorRequest | null;
  onOpen: (ticketId: string) => void;
}

export function TicketList({ view, openTicketId, cursorRequest, onOpen }: TicketListProps) {
  const { t, i18n } = useTranslation();
  const text = useRowText();
  const now = useMinuteClock();
  const numbers = useMemo(() => new Intl.NumberFormat(i18n.language), [i18n.language]);
  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualizer needs the row count before it can say which rows are visible, and the page loader needs
  // the visible rows before it can fetch: keep the last known count of drawn rows in state to break the circle.
  const [total, setTotal] = useState(0);

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    // A scroll re-renders the list in its own task instead of synchronously inside the scroll event: a `j` that
    // scrolls then costs one render before its frame, not two. The overscan keeps the rows that come into view
    // already drawn.
    useFlushSync: false,
  });
  // A scroll this list wrote itself (a jump: End, PageDown, a ticket shown from elsewhere) reaches the virtualizer
  // only with the scroll event of the next frame, and its re-render in a task after that frame: the frame that
  // shows the new scroll position would show an empty stretch of canvas, and the rows a frame later. Until the
  // virtualizer has seen a scroll after the write, the rows are drawn for the offset written, in the key's own
  // render (and their pages asked for at once).
  const [landing, setLanding] = useState<{ top: number; seenBefore: number | null } | null>(null);
  if (landing && virtualizer.scrollOffset !== landing.seenBefore) setLanding(null);
  const landingRows =
    landing && virtualizer.scrollOffset === landing.seenBefore
      ? rowsInView(landing.top, virtualizer.scrollRect?.height ?? 0, total, ROW_HEIGHT, OVERSCAN)
      : null;
  const items = landingRows ? rowItems(landingRows) : virtualizer.getVirtualItems();
  // A row to scroll to before the list knows that many rows (a jump into a list that is still loading).
  const pendingScroll = useRef<number | null>(null);
  const pages = useTicketPages(
    view,
    items[0]?.index ?? 0,
    items.at(-1)?.index ?? 0,
    total,
    cursorRequest?.view === view ? cursorRequest.index : null,
  );
  const triage = useTriageList({
    total: pages.total,
    rowAt: pages.rowAt,
    settling: pages.fetching,
    scrollToIndex: (index) => {
      if (index >= total) {
        pendingScroll.current = index;
        return;
      }
      pendingScroll.current = null;
      // Most cursor moves stay on screen: asking the virtualizer to scroll then would read the layout and keep
      // re-checking over the next frames for nothing. Rows have a fixed height, so no layout read is needed.
      const offset = landingRows && landing ? landing.top : (virtualizer.scrollOffset ?? 0);
      const height = virtualizer.scrollRect?.height ?? 0;
      const top = index * ROW_HEIGHT;
      if (height > 0 && top >= offset && top + ROW_HEIGHT <= offset + height) return;
      const list = scrollRef.current;
      if (!list || height === 0) {
        virtualizer.scrollToIndex(index, { align: 'auto' });
        return;
      }
      // Just into view, at the edge it came from. Written directly: the virtualizer's scrollToIndex re-checks its
      // target on each of the next frames and reads the layout (scrollHeight) each time to do so.
      list.scrollTop = top < offset ? top : top + ROW_HEIGHT - height;
      // Read back: what the list really scrolled to, clamped at its ends.
      setLanding({ top: list.scrollTop, seenBefore: virtualizer.scrollOffset });
    },
    // The list's fractional height, read at the key: the virtualizer keeps a rounded one, and a list 623.6 px high
    // would count a twelfth row of 52 px that is 0.4 px short of fitting.
    screenRows: () =>
      Math.max(
        1,
        Math.floor(
          (scrollRef.current?.getBoundingClientRect().height ?? virtualizer.scrollRect?.height ?? 0) / ROW_HEIGHT,
        ),
      ),
    listRef: scrollRef,
    openTicketId,
    cursorRequest,
    onOpen,
  });
  if (pages.total !== null && triage.total !== total) setTotal(triage.total);
  const activeIndex = triage.activeIndex;
  useLayoutEffect(() => {
    const index = pendingScroll.current;
    if (index === null || index >= total) return;
    pendingScroll.current = null;
    virtualizer.scrollToIndex(index, { align: 'center' });
  }, [total, virtualizer]);

  // Rows get callbacks that never change (new ones would re-render every row on every list render); the calls
  // read the latest cursor and selection through a ref.
  const latest = useRef(triage);
  useLayoutEffect(() => {
    latest.current = triage;
  });
  const onRowClick = useCallback((index: number, event: MouseEvent) => latest.current.onRowClick(index, event), []);
  const onCheckboxClick = useCallback(
    (index: number, event: MouseEvent) => latest.current.onCheckboxClick(index, event),
    [],
  );

  const activeRendered = items.some((item) => item.index === activeIndex);
  const drawn = new Set<string>();
  return (
    <div className="ticket-list-pane">
      <div className="list-toolbar">
        <span className="list-count">
          {pages.total === null ? '' : t('list.count', { total: numbers.format(pages.total) })}
        </span>
      </div>
      <BulkBar />
      {pages.error && (
        <p className="inline-error" role="alert">
          {t('list.failed', { message: deskErrorMessage(pages.error) })}
        </p>
      )}
      <div
        ref={scrollRef}
        className="ticket-list"
        role="listbox"
        aria-label={t('list.label')}
        tabIndex={0}
        aria-busy={pages.fetching}
        aria-activedescendant={total > 0 && activeRendered ? optionId(view, activeIndex) : undefined}
      >
        {pages.total === 0 && <p className="list-empty">{t('list.empty')}</p>}
        <div role="presentation" className="ticket-list-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const ticket = triage.rowAt(item.index);
            const showSla = ticket !== undefined && isOpen(ticket.status);
            // Rows follow their ticket, so a refetch that shifts rows moves them instead of redrawing each one.
            // Pages of different ages can briefly hold the same ticket twice: the second copy is keyed by index.
            const key = ticket && !drawn.has(ticket.id) ? ticket.id : `row-${item.index}`;
            if (ticket) drawn.add(ticket.id);
            return (
              <TicketRow
                key={key}
                id={optionId(view, item.index)}
                index={item.index}
                top={item.start}
                height={item.size}
                setSize={total}
                ticket={ticket}
                active={item.index === activeIndex}
                checked={triage.isSelected(ticket)}
                open={ticket !== undefined && ticket.id === openTicketId}
                showSla={showSla}
                now={showSla ? now : 0}
                text={text}
                onRowClick={onRowClick}
                onCheckboxClick={onCheckboxClick}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** The virtualizer's items for rows first…last (fixed height, no padding: row i starts at i × ROW_HEIGHT). */
function rowItems({ first, last }: { first: number; last: number }): Pick<VirtualItem, 'index' | 'start' | 'size'>[] {
  return Array.from({ length: last - first + 1 }, (_, i) => ({
    index: first + i,
    start: (first + i) * ROW_HEIGHT,
    size: ROW_HEIGHT,
  }));
}

function optionId(view: ViewId, index: number): string {
  return `ticket-option-${view}-${index}`;
}
