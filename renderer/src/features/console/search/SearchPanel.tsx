/**
 * The `/` search panel: a search box over the local cache (tickets.search), ranked results with their matches
 * marked, ↑/↓ to choose, Enter to open the ticket in the detail, Esc to close; focus returns where it was.
 * Registers the `search.open` action for the keyboard binding table; `openSearch()` opens it from code.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { Fragment, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SearchHighlight, SearchResult } from '../../../../../common/contract';
import { deskErrorMessage } from '../../../api/errors';
import { useLabels } from '../../../i18n/labels';
import { phoneHighlight, usePhoneFormat } from '../phoneDisplay';
import { useReturnFocus } from '../useReturnFocus';
import { useAction } from '../keyboard/registry';
import { splitHighlights } from './highlight';
import { closeSearch, openSearch, useSearchOpen } from './searchStore';
import { useTicketSearch } from './useTicketSearch';
import './search.css';

export const SEARCH_ACTION = 'search.open';
const ROW_ESTIMATE = 64;

export function SearchPanel({ onOpenTicket }: { onOpenTicket: (ticketId: string) => void }) {
  const open = useSearchOpen();
  useAction(SEARCH_ACTION, openSearch);

  useReturnFocus(open);

  if (!open) return null;
  return (
    <SearchDialog
      onClose={closeSearch}
      onOpenTicket={(id) => {
        closeSearch();
        onOpenTicket(id);
      }}
    />
  );
}

type Item = SearchResult['items'][number];

function SearchDialog({ onClose, onOpenTicket }: { onClose: () => void; onOpenTicket: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [input, setInput] = useState('');
  // The chosen result, by ticket: it stays chosen when a refresh reorders the list; new results start at the best.
  const [activeId, setActiveId] = useState<string | null>(null);
  const search = useTicketSearch(input);
  const items: Item[] = search.q === '' ? [] : (search.data?.items ?? []);
  const [activeFor, setActiveFor] = useState(search.q);
  if (activeFor !== search.q) {
    setActiveFor(search.q);
    setActiveId(null);
  }
  const activeIndex = Math.max(
    0,
    items.findIndex((item) => item.ticket.id === activeId),
  );
  const setActive = (index: number) => setActiveId(items[index]?.ticket.id ?? null);
  // A result list from an older query (still typing, or the next answer not in yet) is not opened by Enter.
  const fresh = search.settled && !search.isPlaceholderData && !search.isFetching;

  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE,
    overscan: 6,
  });
  const rows = virtualizer.getVirtualItems();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  function move(to: number) {
    if (items.length === 0) return;
    const next = Math.max(0, Math.min(items.length - 1, to));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === 'ArrowDown') move(activeIndex + 1);
    else if (event.key === 'ArrowUp') move(activeIndex - 1);
    else if (event.key === 'Enter') {
      const item = items[activeIndex];
      if (item && fresh) onOpenTicket(item.ticket.id);
    } else return;
    event.preventDefault();
  }

  const activeRendered = rows.some((row) => row.index === activeIndex);
  let status: string;
  if (search.q === '') status = t('searchPanel.hint');
  else if (search.isError) status = t('searchPanel.failed', { message: deskErrorMessage(search.error) });
  else if (!search.data || !search.settled) status = t('searchPanel.searching');
  else if (items.length === 0) status = t('searchPanel.empty');
  else {
    const count = new Intl.NumberFormat(i18n.language);
    status =
      search.data.total !== undefined
        ? t('searchPanel.total', { total: count.format(search.data.total) })
        : t('searchPanel.shown', { count: count.format(items.length) });
  }

  return (
    <dialog
      ref={ref}
      className="search-dialog"
      aria-labelledby="search-title"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id="search-title" className="search-title">
        {t('searchPanel.title')}
      </h2>
      <input
        type="search"
        className="search-input"
        role="combobox"
        aria-label={t('searchPanel.title')}
        aria-expanded={items.length > 0}
        aria-controls="search-results"
        aria-autocomplete="list"
        aria-activedescendant={items.length > 0 && activeRendered ? resultId(activeIndex) : undefined}
        placeholder={t('searchPanel.placeholder')}
        autoFocus
        maxLength={200}
        value={input}
        onChange={(e) => setInput(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <p className="search-status" role="status">
        {status}
      </p>
      <div
        ref={scrollRef}
        id="search-results"
        className="search-results"
        role="listbox"
        aria-label={t('searchPanel.results')}
        aria-busy={search.isFetching}
      >
        <div role="presentation" className="search-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {rows.map((row) => {
            const item = items[row.index];
            if (!item) return null;
            return (
              <div
                key={item.ticket.id}
                id={resultId(row.index)}
                ref={virtualizer.measureElement}
                data-index={row.index}
                role="option"
                aria-selected={row.index === activeIndex}
                aria-setsize={items.length}
                aria-posinset={row.index + 1}
                className="search-row"
                style={{ transform: `translateY(${row.start}px)` }}
                onMouseEnter={() => setActive(row.index)}
                onClick={() => onOpenTicket(item.ticket.id)}
              >
                <ResultContent item={item} />
              </div>
            );
          })}
        </div>
      </div>
    </dialog>
  );
}

function resultId(index: number): string {
  return `search-result-${index}`;
}

function ResultContent({ item }: { item: Item }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const phone = usePhoneFormat();
  const { ticket, highlights } = item;
  const of = (field: SearchHighlight['field']) => highlights.find((h) => h.field === field);
  const code = of('code');
  const title = of('title');
  const others = highlights.filter((h) => h.field !== 'code' && h.field !== 'title');
  return (
    <>
      <span className="search-line">
        <span className={`priority-badge p${ticket.priority}`}>P{ticket.priority}</span>
        <span className="search-code">
          {code ? <Marked highlight={code} /> : (ticket.code ?? t('list.pendingCode'))}
        </span>
        <span className={`status-chip status-${ticket.status}`}>{labels.status(ticket.type, ticket.status)}</span>
        <span className="search-title-text">{title ? <Marked highlight={title} /> : ticket.title}</span>
      </span>
      {others.map((h) => (
        <span key={h.field} className="search-line search-snippet">
          <span className="search-field">{t(`searchPanel.field.${h.field}`)}</span>
          <Marked highlight={h.field === 'phone' ? phoneHighlight(h, phone) : h} />
        </span>
      ))}
    </>
  );
}

/** The highlight's text with its ranges in <mark>: React elements and text nodes, never HTML strings. */
function Marked({ highlight }: { highlight: SearchHighlight }) {
  return (
    <>
      {splitHighlights(highlight.text, highlight.ranges).map((segment, i) =>
        segment.mark ? <mark key={i}>{segment.text}</mark> : <Fragment key={i}>{segment.text}</Fragment>,
      )}
    </>
  );
}
