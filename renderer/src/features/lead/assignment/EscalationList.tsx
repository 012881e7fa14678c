/**
 * Escalations for leads (issue 12 item 2): steps overdue past their queue's limit, oldest first, each with an
 * Acknowledge button. New ones arrive live (host event `assignment.escalated`) and are announced politely.
 */
import type { Escalation } from '../../../../../common/assignment';
import { TicketStatus } from '../../../../../common/domain';
import { useUsers } from '../../../api/queries';
import { useLabels } from '../../../i18n/labels';
import { formatFullTime, useTimeFormat } from '../../console/formatTime';
import { assignErrorText } from './errors';
import { useAcknowledge, useEscalations } from './queries';
import { useAssignText } from './useAssignText';

export function EscalationList() {
  const t = useAssignText();
  const escalations = useEscalations();
  const acknowledge = useAcknowledge();
  const users = useUsers().data ?? [];
  const timeFormat = useTimeFormat();
  const labels = useLabels();
  const nameOf = (id: string) => users.find((u) => u.id === id)?.name ?? id;
  // The step as the ticket's workflow names it; a step no status knows (an older workflow) as it was recorded.
  const stepName = (e: Escalation) => {
    const step = TicketStatus.safeParse(e.step);
    return step.success ? labels.status(e.ticketType, step.data) : e.step;
  };
  const items = escalations.data ?? [];
  return (
    <section className="assign-escalations" aria-labelledby="escalations-title">
      <h3 id="escalations-title">
        {t('escalations')} ({items.length})
      </h3>
      {escalations.isError && (
        <p className="inline-error" role="alert">
          {assignErrorText(escalations.error, t)}
        </p>
      )}
      {acknowledge.isError && (
        <p className="inline-error" role="alert">
          {assignErrorText(acknowledge.error, t)}
        </p>
      )}
      <div role="status" aria-live="polite">
        {escalations.isPending ? t('loading') : items.length === 0 ? t('escalationsEmpty') : ''}
      </div>
      <ul>
        {items.map((e) => {
          const ticket = e.ticketCode ?? e.title;
          return (
            <li key={e.id}>
              <span className="assign-code">{ticket}</span> {e.title} · {t('step')}: {stepName(e)} · {t('dueAt')}{' '}
              {formatFullTime(e.dueAt, timeFormat)}
              {e.reassignedTo && <> · {t('reassignedTo', { name: nameOf(e.reassignedTo) })}</>}{' '}
              <button
                type="button"
                onClick={() => acknowledge.mutate(e.id)}
                disabled={acknowledge.isPending}
                aria-label={t('acknowledgeTicket', { ticket })}
              >
                {t('acknowledge')}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
