/**
 * The `/` search panel: a search box over the local cache (tickets.search), ranked results with their matches
 * marked, ↑/↓ to choose, Enter to open the ticket in the detail, Esc to close; focus returns where it was.
 * Results load a page at a time: the next page as the list is scrolled near its end or the selection moves
 * there (moving past the last result loaded waits for the next page and goes on). The count is the host's
 * total when it has one, else "N+" for the N loaded.
 * Registers the `search.open` action for the keyboard binding table; `openSearch()` opens it from code.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SearchHighlight, SearchResult } from '../../../../../common/contract';
import { deskErrorMessage } from '../../../api/errors';
import { useLabels } from '../../../i18n/labels';
import { phoneHighlight, usePhoneFormat } from '../phoneDisplay';
import { useReturnFocus } from '../useReturnFocus';
import { useAction } from '../keyboard/registry';
import { Marked } from './Marked';
import { closeSearch, openSearch, useSearchOpen } from './searchStore';
import { useTicketSearch } from './useTicketSearch';
import './search.css';

export const SEARCH_ACTION = 'search.open';
const ROW_ESTIMATE = 64;
/** The next page is asked for once the rows drawn (visible + overscan) come this close to the last one loaded. */
const PREFETCH_ROWS = 10;

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
  /** Where the pointer last chose a row (see the rows' onMouseMove). */
  const pointerAt = useRef('');
  const [input, setInput] = useState('');
  // The chosen result, by ticket: it stays chosen when a refresh reorders the list; new results start at the best.
  const [activeId, setActiveId] = useState<string | null>(null);
  const search = useTicketSearch(input);
  const items: Item[] = search.q === '' ? [] : search.items;
  // A move past the last result loaded: where the selection goes once the next page is in.
  const [wanted, setWanted] = useState<number | null>(null);
  const [activeFor, setActiveFor] = useState(search.q);
  if (activeFor !== search.q) {
    setActiveFor(search.q);
    setActiveId(null);
    setWanted(null);
  }
  const activeIndex = Math.max(
    0,
    items.findIndex((item) => item.ticket.id === activeId),
  );
  const setActive = (index: number) => setActiveId(items[index]?.ticket.id ?? null);
  // A result list from an older query (still typing, or the next answer not in yet) is not opened by Enter; one
  // that is only growing (the next page loading) is.
  const current = search.settled && !search.isPlaceholderData;
  const fresh = current && (!search.isFetching || search.isFetchingNextPage);
  const more = current && search.hasNextPage;

  const virtualizer = useVirtualizer({
    // One row more while there are more results: it says they are loading, and drawing it asks for them.
    count: items.length + (more ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE,
    // Sizes belong to tickets, not places: the next query's row 9 is not as tall as this one's (rows overlapped).
    getItemKey: (index) => items[index]?.ticket.id ?? 'more',
    overscan: 6,
  });
  const rows = virtualizer.getVirtualItems();
  const lastDrawn = rows.at(-1)?.index ?? -1;
  const { fetchNextPage, isFetchingNextPage } = search;

  // Scrolled (or moved) near the end of what is loaded: the next page.
  useEffect(() => {
    if (!more || isFetchingNextPage || search.isError) return;
    if (lastDrawn >= items.length - 1 - PREFETCH_ROWS || wanted !== null) void fetchNextPage();
  }, [more, isFetchingNextPage, search.isError, lastDrawn, items.length, wanted, fetchNextPage]);

  // The page a move past the end waited for is in (or there is none): finish the move.
  useEffect(() => {
    if (wanted === null || isFetchingNextPage) return;
    if (wanted >= items.length && more && !search.isError) return;
    const to = Math.min(wanted, items.length - 1);
    setWanted(null);
    if (to < 0) return;
    setActiveId(items[to]?.ticket.id ?? null);
    virtualizer.scrollToIndex(to, { align: 'auto' });
  }, [wanted, isFetchingNextPage, items, more, search.isError, virtualizer]);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  function move(to: number) {
    if (items.length === 0) return;
    if (to > items.length - 1 && more) {
      setWanted(to);
      return;
    }
    const next = Math.max(0, Math.min(items.length - 1, to));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    // ↓ while a move past the end waits for its page goes one further still.
    if (event.key === 'ArrowDown') move((wanted ?? activeIndex) + 1);
    else if (event.key === 'ArrowUp') {
      setWanted(null);
      move(activeIndex - 1);
    } else if (event.key === 'Enter') {
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
    // No total: the host stopped counting at a full page, so there are more than those loaded.
    status = search.fromServer
      ? t('searchPanel.fromServer', { count: count.format(items.length) })
      : search.total !== undefined
        ? t('searchPanel.total', { total: count.format(search.total) })
        : t('searchPanel.more', { count: count.format(items.length) });
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
            if (!item) {
              return (
                <div
                  key="more"
                  ref={virtualizer.measureElement}
                  data-index={row.index}
                  aria-hidden="true"
                  className="search-row search-more"
                  style={{ transform: `translateY(${row.start}px)` }}
                >
                  {search.isError ? t('searchPanel.moreFailed') : t('searchPanel.loadingMore')}
                </div>
              );
            }
            return (
              <div
                key={item.ticket.id}
                id={resultId(row.index)}
                ref={virtualizer.measureElement}
                data-index={row.index}
                role="option"
                aria-selected={row.index === activeIndex}
                aria-setsize={search.total ?? (more ? -1 : items.length)}
                aria-posinset={row.index + 1}
                className="search-row"
                style={{ transform: `translateY(${row.start}px)` }}
                onMouseMove={(event) => {
                  // Only a pointer that moved chooses: rows scrolling under a resting one (↓ past the screen, a
                  // page loading) must not take the selection from the keyboard.
                  const at = `${event.screenX},${event.screenY}`;
                  if (pointerAt.current === at) return;
                  pointerAt.current = at;
                  setActive(row.index);
                }}
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
          <Marked highlight={h.field === 'phone' ? phoneHighlight(h, phone) : h} className="search-snippet-text" />
        </span>
      ))}
    </>
  );
}
