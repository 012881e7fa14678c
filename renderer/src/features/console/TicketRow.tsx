/**
 * One dense row of the ticket list (or its placeholder while its page loads): the listbox option with its bulk
 * checkbox and the ticket's line. Memoised on plain props — the ticket object (kept identical across refetches by
 * react-query's structural sharing), booleans for cursor / checked / open, texts and callbacks that stay the same
 * object — so moving the cursor re-renders only the row it leaves and the row it reaches. The ticket's line is
 * memoised on its fields as well: when a refetch shifts rows (the list keys rows by ticket id), a shifted row only
 * moves, its line is not drawn again.
 */
import { memo, type MouseEvent } from 'react';
import type { Ticket } from '../../../../common/domain';
import { formatFullTime, formatShortTime } from './formatTime';
import { ticketName } from './keyboard/triageContext';
import type { RowText } from './rowText';
import { SlaBadge } from './sla/SlaBadge';

export interface TicketRowProps {
  /** DOM id of the option (the listbox's aria-activedescendant points at it). */
  id: string;
  index: number;
  /** Offset and height in the list's canvas (px). */
  top: number;
  height: number;
  setSize: number;
  ticket: Ticket | undefined;
  /** Under the list cursor (aria-selected). */
  active: boolean;
  /** In the bulk selection (aria-checked). */
  checked: boolean;
  /** Shown in the detail pane. */
  open: boolean;
  /** The SLA clock (ms); pass 0 for rows without a running clock so the minute tick skips them. */
  now: number;
  /** When true, the SLA badge is drawn (open tickets). */
  showSla: boolean;
  text: RowText;
  onRowClick(index: number, event: MouseEvent): void;
  onCheckboxClick(index: number, event: MouseEvent): void;
}

export const TicketRow = memo(function TicketRow({
  id,
  index,
  top,
  height,
  setSize,
  ticket,
  active,
  checked,
  open,
  now,
  showSla,
  text,
  onRowClick,
  onCheckboxClick,
}: TicketRowProps) {
  const classes = ['ticket-row'];
  if (open) classes.push('is-open');
  if (checked) classes.push('is-checked');
  return (
    <div
      id={id}
      role="option"
      aria-selected={active}
      aria-checked={checked}
      aria-setsize={setSize}
      aria-posinset={index + 1}
      aria-busy={ticket ? undefined : true}
      className={classes.join(' ')}
      style={{ height, transform: `translateY(${top}px)` }}
      onClick={(event) => onRowClick(index, event)}
    >
      {ticket ? (
        <>
          {/* A box drawn for the mouse only: an option may hold no control (axe: nested-interactive), and its
              aria-checked already tells assistive technology; `x` does the same by keyboard. */}
          <span
            className="row-check"
            aria-hidden="true"
            title={text.select(ticketName(ticket))}
            onClick={(event) => onCheckboxClick(index, event)}
          />
          <TicketLine ticket={ticket} now={now} showSla={showSla} text={text} />
        </>
      ) : (
        <span className="row-loading">{text.loading}</span>
      )}
    </div>
  );
});

interface TicketLineProps {
  ticket: Ticket;
  now: number;
  showSla: boolean;
  text: RowText;
}

/** Same fields, same values (a refetched page brings equal tickets as new objects). */
function sameTicket(a: Ticket, b: Ticket): boolean {
  if (a === b) return true;
  const keys = Object.keys(a) as (keyof Ticket)[];
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

const sameLine = (a: TicketLineProps, b: TicketLineProps) =>
  a.now === b.now && a.showSla === b.showSla && a.text === b.text && sameTicket(a.ticket, b.ticket);

const TicketLine = memo(function TicketLine({ ticket, now, showSla, text }: TicketLineProps) {
  return (
    <>
      <span className="row-line">
        <span className={`priority-badge p${ticket.priority}`} title={text.priority(ticket.priority)}>
          P{ticket.priority}
        </span>
        <span className={ticket.code ? 'row-code' : 'row-code pending'}>{ticket.code ?? text.pendingCode}</span>
        <span className={`status-chip status-${ticket.status}`}>{text.status(ticket.type, ticket.status)}</span>
        {showSla && <SlaBadge ticket={ticket} now={now} text={text.sla} />}
        {/* Always the creation date (it used to be the last change, which moved with every edit, unlabelled);
            the tooltip gives both. */}
        <time
          className="row-time"
          dateTime={ticket.createdAt}
          title={text.dates(formatFullTime(ticket.createdAt, text.time), formatFullTime(ticket.updatedAt, text.time))}
        >
          <span className="row-time-label">{text.createdPrefix} </span>
          {formatShortTime(ticket.createdAt, text.time)}
        </time>
      </span>
      <span className="row-line">
        <span className="row-title">{ticket.title}</span>
        <span className="row-who">
          {ticket.unitCode && <span className="row-unit">{ticket.unitCode}</span>}
          {ticket.residentName && <span className="row-resident">{ticket.residentName}</span>}
        </span>
      </span>
    </>
  );
}, sameLine);
