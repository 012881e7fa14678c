/** Queue counts per team: open, unassigned, at risk, breached, and a "move the whole queue" button per queue. */
import { memo } from 'react';
import type { QueueCounts } from '../../../../common/lead/board';
import type { LeadT } from '../../i18n/lead';

/** Memoised: unchanged counts are not re-rendered with every board answer. */
export const QueueTable = memo(function QueueTable({
  queues,
  queueName,
  onMoveQueue,
  t,
}: {
  queues: readonly QueueCounts[];
  queueName(teamId: string | null): string;
  onMoveQueue(teamId: string): void;
  t: LeadT;
}) {
  return (
    <section className="lead-queues" aria-labelledby="lead-queues-title">
      <h3 id="lead-queues-title">{t('queuesTitle')}</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('queueCol')}</th>
            <th scope="col">{t('openCol')}</th>
            <th scope="col">{t('unassignedCol')}</th>
            <th scope="col">{t('atRiskCol')}</th>
            <th scope="col">{t('breachedCol')}</th>
            <th scope="col">{t('actionsCol')}</th>
          </tr>
        </thead>
        <tbody>
          {queues.map((q) => (
            <tr key={q.teamId ?? ''} data-queue={q.teamId ?? ''}>
              <th scope="row">{queueName(q.teamId)}</th>
              <td data-count="open">{q.open}</td>
              <td data-count="unassigned">{q.unassigned}</td>
              <td data-count="at-risk" className={q.atRisk > 0 ? 'lead-warn' : undefined}>
                {q.atRisk}
              </td>
              <td data-count="breached" className={q.breached > 0 ? 'lead-bad' : undefined}>
                {q.breached}
              </td>
              <td>
                {q.teamId !== null && (
                  <button
                    type="button"
                    aria-label={t('moveQueueLabel', { queue: queueName(q.teamId) })}
                    onClick={() => onMoveQueue(q.teamId!)}
                  >
                    {t('moveQueue')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
});
