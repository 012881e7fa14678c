/**
 * The ticket list of one view: a virtualized listbox over all `total` rows that fetches pages as they
 * scroll into view. Keys, cursor and bulk selection come from the keyboard layer (./keyboard: useTriageList).
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ViewId } from '../../../../common/contract';
import { deskErrorMessage } from '../../api/errors';
import { BulkBar } from './keyboard/BulkBar';
import { ticketName } from './keyboard/triageContext';
import { useTriageList } from './keyboard/useTriageList';
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
  // The virtualizer needs the row count before it can say which rows are visible, and the page loader needs
  // the visible rows before it can fetch: keep the last known count of drawn rows in state to break the circle.
  const [total, setTotal] = useState(0);

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const pages = useTicketPages(view, items[0]?.index ?? 0, items.at(-1)?.index ?? 0);
  const triage = useTriageList({
    total: pages.total,
    rowAt: pages.rowAt,
    scrollToIndex: (index) => virtualizer.scrollToIndex(index, { align: 'auto' }),
    listRef: scrollRef,
    onOpen,
  });
  if (pages.total !== null && triage.total !== total) setTotal(triage.total);
  const activeIndex = triage.activeIndex;

  const activeRendered = items.some((item) => item.index === activeIndex);
  return (
    <div className="ticket-list-pane">
      <div className="list-toolbar">
        <span className="list-count">
          {pages.total === null
            ? ''
            : t('list.count', { total: new Intl.NumberFormat(i18n.language).format(pages.total) })}
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
        aria-activedescendant={total > 0 && activeRendered ? optionId(view, activeIndex) : undefined}
      >
        {pages.total === 0 && <p className="list-empty">{t('list.empty')}</p>}
        <div role="presentation" className="ticket-list-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const ticket = triage.rowAt(item.index);
            const checked = triage.isSelected(ticket);
            const classes = ['ticket-row'];
            if (ticket && ticket.id === openTicketId) classes.push('is-open');
            if (checked) classes.push('is-checked');
            return (
              <div
                key={item.key}
                id={optionId(view, item.index)}
                role="option"
                aria-selected={item.index === activeIndex}
                aria-checked={checked}
                aria-setsize={total}
                aria-posinset={item.index + 1}
                aria-busy={ticket ? undefined : true}
                className={classes.join(' ')}
                style={{ height: item.size, transform: `translateY(${item.start}px)` }}
                onClick={(event) => triage.onRowClick(item.index, event)}
              >
                {ticket && (
                  <input
                    type="checkbox"
                    className="row-check"
                    tabIndex={-1}
                    checked={checked}
                    readOnly
                    aria-label={t('triage.row.select', { what: ticketName(ticket) })}
                    onClick={(event) => triage.onCheckboxClick(item.index, event)}
                  />
                )}
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
