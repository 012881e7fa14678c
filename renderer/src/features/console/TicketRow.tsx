/** One dense row of the ticket list (or its placeholder while its page loads). */
import { useTranslation } from 'react-i18next';
import type { Ticket } from '../../../../common/domain';
import { isOpen } from '../../../../common/workflows';
import { useLabels } from '../../i18n/labels';
import { formatFullTime, formatShortTime } from './formatTime';
import { SlaBadge } from './sla/SlaBadge';

export function TicketRowContent({ ticket }: { ticket: Ticket | undefined }) {
  const { t, i18n } = useTranslation();
  const labels = useLabels();
  if (!ticket) return <span className="row-loading">{t('list.loadingRow')}</span>;
  return (
    <>
      <span className="row-line">
        <span className={`priority-badge p${ticket.priority}`} title={labels.priority(ticket.priority)}>
          P{ticket.priority}
        </span>
        <span className={ticket.code ? 'row-code' : 'row-code pending'}>{ticket.code ?? t('list.pendingCode')}</span>
        <span className={`status-chip status-${ticket.status}`}>{labels.status(ticket.type, ticket.status)}</span>
        {isOpen(ticket.status) && <SlaBadge ticket={ticket} />}
        <time className="row-time" dateTime={ticket.updatedAt} title={formatFullTime(ticket.updatedAt, i18n.language)}>
          {formatShortTime(ticket.updatedAt, i18n.language)}
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
}
