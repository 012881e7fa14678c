/**
 * The ticket list of one view: a virtualized listbox over all `total` rows that fetches pages as they
 * scroll into view. Keyboard: ↑/↓ or j/k move, Enter opens, Home/End jump (full triage keys come later).
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ViewId } from '../../../../common/contract';
import { deskErrorMessage } from '../../api/errors';
import { TicketRowContent } from './TicketRow';
import { useTicketPages } from './useTicketPages';

const ROW_HEIGHT = 52;

interface TicketListProps {
  view: ViewId;
  openTicketId: string | null;
  onOpen: (ticketId: string) => void;
}

export function TicketList({ view, openTicketId, onOpen }: TicketListProps) {
  const { t, i18n } = useTranslation();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [cursor, setCursor] = useState(0);
  // The virtualizer needs the row count before it can say which rows are visible, and the page loader needs
  // the visible rows before it can fetch: keep the last known total in state to break the circle.
  const [total, setTotal] = useState(0);

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const pages = useTicketPages(view, items[0]?.index ?? 0, items.at(-1)?.index ?? 0);
  if (pages.total !== null && pages.total !== total) setTotal(pages.total);
  const activeIndex = Math.min(cursor, Math.max(total - 1, 0));

  function moveTo(index: number) {
    if (total === 0) return;
    const next = Math.max(0, Math.min(total - 1, index));
    setCursor(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  }

  function openAt(index: number) {
    const ticket = pages.rowAt(index);
    if (ticket) onOpen(ticket.id);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const moves: Record<string, () => void> = {
      ArrowDown: () => moveTo(activeIndex + 1),
      j: () => moveTo(activeIndex + 1),
      ArrowUp: () => moveTo(activeIndex - 1),
      k: () => moveTo(activeIndex - 1),
      Home: () => moveTo(0),
      End: () => moveTo(total - 1),
      Enter: () => openAt(activeIndex),
    };
    const action = moves[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  }

  const activeRendered = items.some((item) => item.index === activeIndex);
  return (
    <div className="ticket-list-pane">
      <div className="list-toolbar">
        <span className="list-count">
          {pages.total === null ? '' : t('list.count', { total: new Intl.NumberFormat(i18n.language).format(total) })}
        </span>
      </div>
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
        aria-activedescendant={total > 0 && activeRendered ? optionId(view, activeIndex) : undefined}
        onKeyDown={onKeyDown}
      >
        {pages.total === 0 && <p className="list-empty">{t('list.empty')}</p>}
        <div role="presentation" className="ticket-list-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const ticket = pages.rowAt(item.index);
            const classes = ['ticket-row'];
            if (ticket && ticket.id === openTicketId) classes.push('is-open');
            return (
              <div
                key={item.key}
                id={optionId(view, item.index)}
                role="option"
                aria-selected={item.index === activeIndex}
                aria-setsize={total}
                aria-posinset={item.index + 1}
                aria-busy={ticket ? undefined : true}
                className={classes.join(' ')}
                style={{ height: item.size, transform: `translateY(${item.start}px)` }}
                onClick={() => {
                  setCursor(item.index);
                  if (ticket) onOpen(ticket.id);
                }}
              >
                <TicketRowContent ticket={ticket} />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function optionId(view: ViewId, index: number): string {
  return `ticket-option-${view}-${index}`;
}
