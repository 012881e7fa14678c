/**
 * The calls views (issue 10 item 8): today's calls (filters: missed only, number) and the missed calls — the
 * callback queue. j/k (the console's list keys) move, Enter claims the callback of a missed call or opens the
 * call's ticket; the detail beside the list claims, dials back and records the result.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Call } from '../../../../common/domain';
import { deskErrorMessage } from '../../api/errors';
import { useDebounced } from '../../hooks/useDebounced';
import { formatShortTime, useTimeFormat } from '../console/formatTime';
import { useAction } from '../console/keyboard/registry';
import { useTriage } from '../console/keyboard/triageContext';
import { usePhoneFormat } from '../console/phoneDisplay';
import { useDirectory } from '../console/useDirectory';
import { CallbackState } from './CallbackBox';
import { CallDetail, useClaim } from './CallDetail';
import { nextOpenCallback } from './callsCursor';
import { announce } from './notify';
import { CallOutcome } from './PopSections';
import { useCallsList, type CallsView } from './queries';

const NUMBER_DEBOUNCE_MS = 150;

export function CallsScreen({
  view,
  nextMissed,
  onNextDone,
  onOpenTicket,
}: {
  view: CallsView;
  /** "Next missed call" (F2) was asked for: put the cursor on the next open callback, then call `onNextDone`. */
  nextMissed: boolean;
  onNextDone: () => void;
  onOpenTicket: (ticketId: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const triage = useTriage();
  const [number, setNumber] = useState('');
  const [missedOnly, setMissedOnly] = useState(false);
  const query = useCallsList(view, useDebounced(number.trim(), NUMBER_DEBOUNCE_MS));
  const items = (query.data?.items ?? []).filter((call) => !missedOnly || call.missed);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const found = items.findIndex((call) => call.id === selectedId);
  const index = found >= 0 ? found : 0;
  const selected = items[index];
  const listRef = useRef<HTMLUListElement>(null);
  const claim = useClaim();
  /** The call whose result form Enter asked for: focused once the form is there (after the claim lands). */
  const [resultFor, setResultFor] = useState<string | null>(null);
  const numbers = new Intl.NumberFormat(i18n.language);

  // No ticket is "current" in a calls view: a ticket key pressed here must not act on the list's last cursor row.
  useLayoutEffect(() => {
    triage.cursorTicket.current = undefined;
  });

  const moveTo = (next: number) => {
    const call = items[Math.max(0, Math.min(items.length - 1, next))];
    if (call) setSelectedId(call.id);
  };
  useAction('list.next', () => moveTo(index + 1));
  useAction('list.prev', () => moveTo(index - 1));
  useAction('list.first', () => moveTo(0));
  useAction('list.last', () => moveTo(items.length - 1));
  useAction('list.focus', () => listRef.current?.focus());
  useAction('list.open', () => {
    if (!selected) return;
    const call = selected;
    if (call.callback.state === 'open') void claim(call).then((ok) => ok && setResultFor(call.id));
    else if (call.callback.state === 'claimed') setResultFor(call.id);
    else if (selected.ticketId) onOpenTicket(selected.ticketId);
  });

  // F2: the next missed call nobody has claimed, once the list is there.
  useEffect(() => {
    if (!nextMissed || !query.data) return;
    onNextDone();
    const next = nextOpenCallback(query.data.items, selectedId);
    if (!next) return announce(t('phone.notice.noMissed'));
    setSelectedId(next.id);
    listRef.current?.focus();
  }, [nextMissed, query.data, selectedId, onNextDone, t]);

  const title = t(view === 'missed' ? 'phone.calls.missed' : 'phone.calls.today');
  return (
    <>
      <div className="ticket-list-pane calls-pane">
        <div className="calls-toolbar">
          <h2 className="calls-title">{title}</h2>
          <label className="calls-filter">
            <span>{t('phone.calls.number')}</span>
            <input
              type="search"
              value={number}
              placeholder={t('phone.calls.numberHint')}
              onChange={(event) => setNumber(event.target.value)}
            />
          </label>
          {view === 'today' && (
            <label className="calls-filter">
              <input type="checkbox" checked={missedOnly} onChange={(event) => setMissedOnly(event.target.checked)} />
              <span>{t('phone.calls.missedOnly')}</span>
            </label>
          )}
          <span className="list-count">
            {query.data ? t('phone.calls.count', { count: numbers.format(items.length) }) : ''}
          </span>
        </div>
        <p className="pop-hint calls-hint">{t('phone.calls.hint')}</p>
        {query.isError && (
          <p className="inline-error" role="alert">
            {t('phone.calls.failed', { message: deskErrorMessage(query.error) })}
          </p>
        )}
        <ul
          ref={listRef}
          className="calls-list"
          role="listbox"
          tabIndex={0}
          aria-label={title}
          aria-activedescendant={selected ? `call-option-${selected.id}` : undefined}
        >
          {query.data && items.length === 0 && (
            <li className="list-empty" role="presentation">
              {t(view === 'missed' ? 'phone.calls.emptyMissed' : 'phone.calls.empty')}
            </li>
          )}
          {items.map((call) => (
            <CallRow
              key={call.id}
              call={call}
              active={call.id === selected?.id}
              onClick={() => setSelectedId(call.id)}
            />
          ))}
        </ul>
      </div>
      <CallDetail
        call={selected ?? null}
        focusResult={selected !== undefined && resultFor === selected.id}
        onResultFocused={() => setResultFor(null)}
        onOpenTicket={onOpenTicket}
      />
    </>
  );
}

function CallRow({ call, active, onClick }: { call: Call; active: boolean; onClick: () => void }) {
  const { t } = useTranslation();
  const timeFormat = useTimeFormat();
  const phone = usePhoneFormat();
  const directory = useDirectory();
  const raw = call.direction === 'inbound' ? call.from : call.to;
  const agent = directory.user(call.agentId);
  return (
    <li
      id={`call-option-${call.id}`}
      role="option"
      aria-selected={active}
      className={`call-row${call.missed ? ' is-missed' : ''}`}
      onClick={onClick}
    >
      <span className="call-row-line">
        <time dateTime={call.startedAt} className="row-time-left">
          {formatShortTime(call.startedAt, timeFormat)}
        </time>
        <span className="call-direction">
          {t(call.direction === 'inbound' ? 'phone.calls.inbound' : 'phone.calls.outbound')}
        </span>
        <span className="call-number">{raw ? phone(raw) : t('phone.pop.withheld')}</span>
        <CallOutcome call={call} />
      </span>
      <span className="call-row-line row-who">
        {call.callerName && <span>{call.callerName}</span>}
        {agent && <span>{agent.name}</span>}
        <CallbackState call={call} />
      </span>
    </li>
  );
}
