/**
 * The auto-assignment panel (issue 12 item 2) for leads and admins: pick a team queue, set its rule (mode, skills
 * filter, escalation), edit agents' capacities, and see the tickets waiting for an agent with room, oldest first.
 * Mountable anywhere (the lead board, or the `g q` dialog until then).
 */
import { useState } from 'react';
import { useLabels } from '../../../i18n/labels';
import { formatFullTime, useTimeFormat } from '../../console/formatTime';
import { AgentLoadTable } from './AgentLoadTable';
import { assignErrorText } from './errors';
import { useAssignmentOverview } from './queries';
import { QueueSettingsForm } from './QueueSettingsForm';
import { useAssignText } from './useAssignText';
import type { QueueOverview } from '../../../../../common/assignment';

export function AssignmentPanel() {
  const t = useAssignText();
  const overview = useAssignmentOverview();
  const [teamId, setTeamId] = useState<string | null>(null);
  if (overview.isPending) return <p role="status">{t('loading')}</p>;
  if (overview.isError) {
    return (
      <p className="inline-error" role="alert">
        {assignErrorText(overview.error, t)}
      </p>
    );
  }
  const queues = overview.data.queues;
  const queue = queues.find((q) => q.settings.teamId === teamId) ?? queues[0];
  return (
    <section className="assign-panel" aria-label={t('title')}>
      <div className="assign-queue-pick">
        <span id="assign-queue-label">{t('queue')}</span>
        <select
          aria-labelledby="assign-queue-label"
          value={queue?.settings.teamId ?? ''}
          onChange={(e) => setTeamId(e.target.value)}
        >
          {queues.map((q) => (
            <option key={q.settings.teamId} value={q.settings.teamId}>
              {`${q.nameZh} / ${q.nameEn}`} · {t(`mode.${q.settings.mode}`)} · {q.waiting.length}
            </option>
          ))}
        </select>
      </div>
      {queue && <QueueDetail key={queue.settings.teamId} queue={queue} />}
    </section>
  );
}

function QueueDetail({ queue }: { queue: QueueOverview }) {
  return (
    <div className="assign-queue">
      <QueueSettingsForm settings={queue.settings} />
      <AgentLoadTable agents={queue.agents} />
      <WaitingList queue={queue} />
    </div>
  );
}

function WaitingList({ queue }: { queue: QueueOverview }) {
  const t = useAssignText();
  const labels = useLabels();
  const timeFormat = useTimeFormat();
  const id = `waiting-${queue.settings.teamId}`;
  return (
    <section aria-labelledby={id}>
      <h3 id={id}>
        {t('waiting')} ({queue.waiting.length})
      </h3>
      {queue.waiting.length === 0 ? (
        <p>{t('waitingEmpty')}</p>
      ) : (
        <ol className="assign-waiting">
          {queue.waiting.map((w) => (
            <li key={w.id}>
              <span className="assign-code">{w.code ?? '—'}</span> {w.title} · {labels.category(w.category)} ·{' '}
              {t('waitingSince')} {formatFullTime(w.createdAt, timeFormat)}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
