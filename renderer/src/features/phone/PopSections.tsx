/**
 * The parts of the incoming-call pop, one job each: the caller candidates to choose from, the caller's open
 * tickets (with their SLA state), arrears, and the last calls.
 */
import { useTranslation } from 'react-i18next';
import type { CallerCandidate } from '../../../../common/calls/pop';
import type { Call, Ticket } from '../../../../common/domain';
import { useLabels } from '../../i18n/labels';
import { formatShortTime, useTimeFormat } from '../console/formatTime';
import { ticketName } from '../console/keyboard/triageContext';
import { useMinuteClock } from '../console/sla/queries';
import { SlaBadge, useSlaBadgeText } from '../console/sla/SlaBadge';
import { formatSeconds } from './format';

export function CandidateTags({ tags }: { tags: readonly string[] }) {
  const labels = useLabels();
  if (tags.length === 0) return null;
  return (
    <span className="pop-tags">
      {tags.map((tag) => (
        <span key={tag} className={`pop-tag tag-${tag}`}>
          {labels.tag(tag)}
        </span>
      ))}
    </span>
  );
}

export function unitsText(candidate: CallerCandidate): string {
  return candidate.units.map((unit) => unit.code).join('，');
}

/** Several residents could be calling: the agent picks one (1–9, or ↑/↓ and Enter, or a click). */
export function CandidateList({
  id,
  candidates,
  active,
  onPick,
}: {
  id: string;
  candidates: readonly CallerCandidate[];
  active: number;
  onPick: (candidate: CallerCandidate) => void;
}) {
  const { t } = useTranslation();
  return (
    <section className="pop-section">
      <h3 id={`${id}-candidates`}>{t('phone.pop.candidates')}</h3>
      <p className="pop-hint">{t('phone.pop.choose')}</p>
      <ul
        id={`${id}-candidate-list`}
        role="listbox"
        tabIndex={0}
        className="pop-list"
        aria-labelledby={`${id}-candidates`}
        aria-activedescendant={`${id}-candidate-${active}`}
      >
        {candidates.map((candidate, index) => (
          <li
            key={candidate.residentId}
            id={`${id}-candidate-${index}`}
            role="option"
            aria-selected={index === active}
            onClick={() => onPick(candidate)}
          >
            {index < 9 && <kbd aria-hidden="true">{index + 1}</kbd>}
            <span className="pop-candidate-name">{candidate.name}</span>
            <span className={`pop-confidence confidence-${candidate.confidence}`}>
              {t(`phone.pop.${candidate.confidence}`)}
            </span>
            <span className="pop-muted">{unitsText(candidate) || t('phone.pop.noUnits')}</span>
            <CandidateTags tags={candidate.tags} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The caller's open tickets: `l` links the call to the one under the cursor, Enter opens it. */
export function PopTickets({
  id,
  tickets,
  active,
  linkedIds,
  onSelect,
  onOpen,
}: {
  id: string;
  tickets: readonly Ticket[];
  active: number;
  linkedIds: readonly string[];
  onSelect: (index: number) => void;
  onOpen: (ticket: Ticket) => void;
}) {
  const { t } = useTranslation();
  const labels = useLabels();
  const now = useMinuteClock();
  const slaText = useSlaBadgeText();
  return (
    <section className="pop-section">
      <h3 id={`${id}-tickets`}>{t('phone.pop.openTickets', { count: tickets.length })}</h3>
      {tickets.length === 0 ? (
        <p className="pop-muted">{t('phone.pop.noOpenTickets')}</p>
      ) : (
        <>
          <p className="pop-hint">{t('phone.pop.ticketsHint')}</p>
          <ul
            id={`${id}-ticket-list`}
            role="listbox"
            tabIndex={0}
            className="pop-list"
            aria-labelledby={`${id}-tickets`}
            aria-activedescendant={`${id}-ticket-${active}`}
          >
            {tickets.map((ticket, index) => (
              <li
                key={ticket.id}
                id={`${id}-ticket-${index}`}
                role="option"
                aria-selected={index === active}
                onClick={() => onSelect(index)}
                onDoubleClick={() => onOpen(ticket)}
              >
                <span className={`priority-badge p${ticket.priority}`}>P{ticket.priority}</span>
                <span className="row-code">{ticketName(ticket)}</span>
                <span className={`status-chip status-${ticket.status}`}>
                  {labels.status(ticket.type, ticket.status)}
                </span>
                <SlaBadge ticket={ticket} now={now} text={slaText} />
                {linkedIds.includes(ticket.id) && <span className="pop-linked">{t('phone.pop.linked')}</span>}
                <span className="pop-ticket-title">{ticket.title}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** Open fee reminders of the caller's units (the desk's arrears). */
export function Arrears({ tickets, onOpen }: { tickets: readonly Ticket[]; onOpen: (ticket: Ticket) => void }) {
  const { t } = useTranslation();
  const labels = useLabels();
  if (tickets.length === 0) return null;
  return (
    <section className="pop-section pop-arrears">
      <h3>{t('phone.pop.arrears', { count: tickets.length })}</h3>
      <ul className="pop-plain">
        {tickets.map((ticket) => (
          <li key={ticket.id}>
            <button type="button" className="link-button" onClick={() => onOpen(ticket)}>
              {ticketName(ticket)}
            </button>
            <span className={`status-chip status-${ticket.status}`}>{labels.status(ticket.type, ticket.status)}</span>
            <span className="pop-ticket-title">{ticket.title}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function LastCalls({ calls }: { calls: readonly Call[] }) {
  const { t } = useTranslation();
  const timeFormat = useTimeFormat();
  return (
    <section className="pop-section">
      <h3>{t('phone.pop.lastCalls')}</h3>
      {calls.length === 0 ? (
        <p className="pop-muted">{t('phone.pop.noLastCalls')}</p>
      ) : (
        <ul className="pop-plain">
          {calls.map((call) => (
            <li key={call.id}>
              <time dateTime={call.startedAt}>{formatShortTime(call.startedAt, timeFormat)}</time>
              <span>{t(call.direction === 'inbound' ? 'phone.calls.inbound' : 'phone.calls.outbound')}</span>
              <CallOutcome call={call} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** "未接", "已接 3:12" or "进行中". */
export function CallOutcome({ call }: { call: Call }) {
  const { t } = useTranslation();
  if (call.missed) return <span className="call-missed">{t('phone.calls.missedCall')}</span>;
  if (call.endedAt === null) return <span>{t('phone.calls.live')}</span>;
  return (
    <span>
      {t('phone.calls.answered')}
      {call.talkingSeconds !== null && ` ${formatSeconds(call.talkingSeconds)}`}
    </span>
  );
}
