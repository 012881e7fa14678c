/**
 * The screen pop of one call (issue 10 item 6): a region "来电" / "Incoming call" with the number, the caller (or
 * the candidates to choose from), tags, units, open tickets with their SLA state, arrears and the last 5 calls.
 * Its keys (`pop` scope of the binding table) work while focus is in it: 1–9 / ↑ ↓ Enter pick the caller, then
 * move among and open the tickets; `l` (anywhere) links the call to the ticket under the cursor and `n` opens
 * intake prefilled from the call (registered by ./PhoneHost for the primary pop).
 */
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallPop as PopData, CallerCandidate } from '../../../../common/calls/pop';
import type { Call, Ticket } from '../../../../common/domain';
import { desk } from '../../api/desk';
import { deskErrorMessage } from '../../api/errors';
import { bindingsInScope, COMPILED_BINDINGS } from '../console/keyboard/bindings';
import { KeyHint } from '../console/keyboard/KeyHint';
import { stepFromEvent } from '../console/keyboard/keys';
import { createSequenceMatcher } from '../console/keyboard/matcher';
import { runAction } from '../console/keyboard/registry';
import { usePhoneFormat } from '../console/phoneDisplay';
import { useNow } from '../console/sop/useNow';
import { DialButton } from './DialButton';
import { MaskedPhoneNumber } from './MaskedPhoneNumber';
import { formatSeconds, secondsSince } from './format';
import { announce } from './notify';
import { atCursor, candidateForDigit, moveCursor, popMode, START, type PopCursor } from './popCursor';
import { Arrears, CandidateList, CandidateTags, LastCalls, PopTickets, unitsText } from './PopSections';
import { useCallPop } from './queries';

const popKeys = createSequenceMatcher(bindingsInScope('pop'));
const keysOf = (action: string) => COMPILED_BINDINGS.find((b) => b.action === action)?.sequences ?? [];

export interface PopHandle {
  /** The ticket `l` links to: the one under the pop's cursor. */
  selectedTicket(): Ticket | undefined;
  data(): PopData | null | undefined;
}

export function CallPop({
  call,
  mine,
  focus,
  onFocused,
  onOpenTicket,
  onControl,
  onClose,
  onGone,
  handle,
}: {
  call: Call;
  /** This agent is on the call (answered here). */
  mine: boolean;
  /** Take the focus now (the agent has just answered). */
  focus: boolean;
  onFocused: () => void;
  onOpenTicket: (ticketId: string) => void;
  onControl: (action: 'answer' | 'hangup' | 'hold' | 'resume', call: Call) => void;
  /** Closes the pop of a call this agent is not on (it keeps ringing for the others). */
  onClose: () => void;
  /** The desk has no record under this id any more (merged or re-keyed): the pop goes. */
  onGone: () => void;
  /** Filled for the primary pop, so the global `l` and `n` act on what it shows. */
  handle?: { current: PopHandle | null };
}) {
  const { t } = useTranslation();
  const id = useId();
  const pop = useCallPop(call.id);
  const data = pop.data;
  const [cursor, setCursor] = useState<PopCursor>(START);
  const regionRef = useRef<HTMLElement>(null);
  const mode = data ? popMode(data) : 'tickets';
  const tickets = data?.openTickets ?? [];

  const gone = pop.data === null;
  useEffect(() => {
    if (gone) onGone();
  }, [gone, onGone]);

  useEffect(() => {
    if (!focus) return;
    // The list the keys move in, so a screen reader reads its active item; else the region itself.
    const list = regionRef.current?.querySelector<HTMLElement>('[role="listbox"]');
    (list ?? regionRef.current)?.focus();
    onFocused();
  }, [focus, onFocused]);

  useLayoutEffect(() => {
    if (!handle) return;
    handle.current = { selectedTicket: () => atCursor(tickets, cursor.ticket), data: () => data };
  });

  async function pick(candidate: CallerCandidate | undefined) {
    if (!candidate) return;
    try {
      await desk.calls.link({ id: call.id, residentId: candidate.residentId });
      announce(t('phone.notice.linkedResident', { name: candidate.name }));
      setCursor(START);
    } catch (error) {
      announce(t('phone.notice.failed', { action: t('phone.action.link'), reason: deskErrorMessage(error) }), true);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLElement>) {
    if (!data || event.nativeEvent.isComposing) return;
    const step = stepFromEvent(event);
    if (!step) return;
    const result = popKeys.feed(step, event.timeStamp);
    if (result.kind !== 'match') return;
    const { action } = result.binding;
    if (action === 'pop.pickNumber') {
      if (mode !== 'candidates') return; // digits mean nothing here then: let them through
      void pick(candidateForDigit(data.candidates, step));
    } else if (action === 'pop.next' || action === 'pop.prev') {
      const count = mode === 'candidates' ? data.candidates.length : tickets.length;
      setCursor((c) => moveCursor(c, mode, action === 'pop.next' ? 1 : -1, count));
    } else if (action === 'pop.choose') {
      if (mode === 'candidates') void pick(atCursor(data.candidates, cursor.candidate));
      else {
        const ticket = atCursor(tickets, cursor.ticket);
        if (!ticket) return;
        onOpenTicket(ticket.id);
      }
    }
    event.preventDefault(); // the console's own ↑/↓/Enter must not act as well
  }

  return (
    <section
      ref={regionRef}
      role="region"
      aria-label={t('phone.pop.label')}
      className={`call-pop${mine ? ' is-mine' : ''}`}
      tabIndex={-1}
      onKeyDown={onKeyDown}
    >
      <PopHead call={call} data={data} mine={mine} onControl={onControl} />
      {!mine && (
        <button type="button" className="pop-close" aria-label={t('phone.pop.close')} onClick={onClose}>
          ×
        </button>
      )}
      {pop.isPending && <p className="pop-muted">{t('phone.pop.loading')}</p>}
      {pop.isError && (
        <p className="inline-error" role="alert">
          {t('phone.pop.failed', { message: deskErrorMessage(pop.error) })}
        </p>
      )}
      {data && mode === 'candidates' && (
        <CandidateList
          id={id}
          candidates={data.candidates}
          active={Math.min(cursor.candidate, data.candidates.length - 1)}
          onPick={(candidate) => void pick(candidate)}
        />
      )}
      {handle && data && (
        // The primary pop's `n` and `l`, for the mouse too (they run the same actions as the keys).
        <div className="pop-buttons">
          <button type="button" onClick={() => runAction('intake.open')}>
            {t('phone.pop.newTicket')} <KeyHint sequences={keysOf('intake.open')} compact />
          </button>
          {mode === 'tickets' && tickets.length > 0 && (
            <button type="button" onClick={() => runAction('call.linkTicket')}>
              {t('phone.pop.link')} <KeyHint sequences={keysOf('call.linkTicket')} compact />
            </button>
          )}
        </div>
      )}
      {data && mode === 'tickets' && (
        <PopTickets
          id={id}
          tickets={tickets}
          active={Math.min(cursor.ticket, Math.max(tickets.length - 1, 0))}
          linkedIds={data.call.ticketIds}
          onSelect={(index) => setCursor((c) => ({ ...c, ticket: index }))}
          onOpen={(ticket) => onOpenTicket(ticket.id)}
        />
      )}
      {data && <Arrears tickets={data.arrears} onOpen={(ticket) => onOpenTicket(ticket.id)} />}
      {data && <LastCalls calls={data.lastCalls} />}
    </section>
  );
}

/** Number, caller, state and the buttons for the phone (each with its key). */
function PopHead({
  call,
  data,
  mine,
  onControl,
}: {
  call: Call;
  data: PopData | null | undefined;
  mine: boolean;
  onControl: (action: 'answer' | 'hangup' | 'hold' | 'resume', call: Call) => void;
}) {
  const { t } = useTranslation();
  const phone = usePhoneFormat();
  const raw = call.direction === 'inbound' ? call.from : call.to;
  const number = data?.withheld || !raw ? null : (data?.number ?? phone(raw));
  const resident = data?.resident ?? null;
  return (
    <div className="pop-head">
      <p className="pop-state">
        <CallState call={call} />
        {call.queue && <span className="pop-muted">{t('phone.pop.queue', { queue: call.queue })}</span>}
      </p>
      <p className="pop-number">
        {number ? (
          <MaskedPhoneNumber target={{ subject: 'call', id: call.id }} shown={number} />
        ) : (
          t('phone.pop.withheld')
        )}
      </p>
      <p className="pop-caller">
        <span className="pop-caller-name">
          {resident?.name ??
            (data && data.candidates.length > 1 ? t('phone.pop.candidates') : t('phone.pop.unknownCaller'))}
        </span>
        {resident && (
          <span className={`pop-confidence confidence-${resident.confidence}`}>
            {t(`phone.pop.${resident.confidence}`)}
          </span>
        )}
        {resident && <CandidateTags tags={resident.tags} />}
      </p>
      {resident && (
        <p className="pop-muted">
          {resident.units.length > 0 ? t('phone.pop.units', { units: unitsText(resident) }) : t('phone.pop.noUnits')}
        </p>
      )}
      {call.callerName && call.callerName !== resident?.name && (
        <p className="pop-muted">{t('phone.pop.callerName', { name: call.callerName })}</p>
      )}
      <div className="pop-buttons">
        {call.state === 'ringing' && (
          <button type="button" className="primary" onClick={() => onControl('answer', call)}>
            {t('phone.pop.answer')} <KeyHint sequences={keysOf('call.answer')} compact />
          </button>
        )}
        {(mine || call.state === 'ringing') && (
          <button type="button" className="danger" onClick={() => onControl('hangup', call)}>
            {call.state === 'ringing' ? t('phone.pop.reject') : t('phone.pop.hangup')}{' '}
            <KeyHint sequences={keysOf('call.hangup')} compact />
          </button>
        )}
        {mine && (
          <button type="button" onClick={() => onControl(call.state === 'held' ? 'resume' : 'hold', call)}>
            {call.state === 'held' ? t('phone.pop.resume') : t('phone.pop.hold')}{' '}
            <KeyHint sequences={keysOf('call.holdToggle')} compact />
          </button>
        )}
        {raw && call.state === 'ended' && <DialButton target={{ subject: 'call', id: call.id }} shown={raw} />}
      </div>
    </div>
  );
}

/** "响铃中", "通话中 1:05", "保持中 0:12" — the talking time counts up each second. */
function CallState({ call }: { call: Call }) {
  const { t } = useTranslation();
  const now = useNow(1000).getTime();
  if (call.state === 'ringing') return <span className="pop-badge state-ringing">{t('phone.pop.ringing')}</span>;
  const since = call.state === 'held' ? (call.heldAt ?? call.answeredAt) : call.answeredAt;
  const time = since ? formatSeconds(secondsSince(since, now)) : '';
  return (
    <span className={`pop-badge state-${call.state}`}>
      {call.state === 'held' ? t('phone.pop.held', { time }) : t('phone.pop.talking', { time })}
    </span>
  );
}
