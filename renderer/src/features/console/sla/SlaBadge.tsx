/**
 * The small SLA badge of a ticket row: time left, overdue by how much, or paused — from the ticket's stored SLA
 * fields, formatted like the SOP card's "time left" (one shared formatter, sop/timeLeft.ts).
 */
import { useTranslation } from 'react-i18next';
import type { Ticket } from '../../../../../common/domain';
import { formatDuration, timeLeft } from '../sop/timeLeft';
import { useMinuteClock } from './queries';
import './sla.css';

export function SlaBadge({ ticket }: { ticket: Ticket }) {
  const { t, i18n } = useTranslation();
  const now = useMinuteClock();
  const language = i18n.language === 'en' ? 'en' : 'zh';
  const left = timeLeft(ticket, new Date(now));
  const provisional = ticket.slaProvisional ? t('sla.badge.provisional') : '';
  if (left.kind === 'paused') {
    const text =
      left.remainingMinutes === null
        ? t('sla.badge.paused')
        : t('sla.badge.pausedLeft', { time: formatDuration(left.remainingMinutes * 60_000, language) });
    return <span className="sla-badge sla-paused">{text}</span>;
  }
  // Rows only show running clocks; the workflow's nominal limit belongs on the SOP card.
  if (left.kind !== 'due') return null;
  const time = formatDuration(left.msLeft, language);
  const state = left.state === 'breached' ? 'overdue' : left.state;
  const hint =
    state === 'overdue' ? t('sla.badge.overdueHint') : state === 'at_risk' ? t('sla.badge.atRiskHint') : undefined;
  return (
    <span className={`sla-badge sla-${state}`} title={hint ? hint + provisional : provisional || undefined}>
      {state === 'overdue' ? t('sla.badge.overdue', { time }) : t('sla.badge.left', { time })}
    </span>
  );
}
