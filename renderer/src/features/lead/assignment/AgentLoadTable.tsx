/** The queue's agents: skills, presence, open tickets against capacity, and the capacity to edit (Enter saves). */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { QueueAgent } from '../../../../../common/assignment';
import { AGENT_CAPACITY_MAX } from '../../../../../common/domain';
import { useLabels } from '../../../i18n/labels';
import { assignErrorText } from './errors';
import { useSetCapacity } from './queries';
import { useAssignText } from './useAssignText';

export function AgentLoadTable({ agents }: { agents: readonly QueueAgent[] }) {
  const t = useAssignText();
  if (agents.length === 0) return <p>{t('noAgents')}</p>;
  return (
    <table className="assign-agents">
      <caption>{t('agents')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('agent')}</th>
          <th scope="col">{t('skills')}</th>
          <th scope="col">{t('presence')}</th>
          <th scope="col">{t('load')}</th>
        </tr>
      </thead>
      <tbody>
        {agents.map((agent) => (
          <AgentRow key={agent.id} agent={agent} />
        ))}
      </tbody>
    </table>
  );
}

function AgentRow({ agent }: { agent: QueueAgent }) {
  const t = useAssignText();
  const { t: tr } = useTranslation();
  const labels = useLabels();
  const save = useSetCapacity();
  const [capacity, setCapacity] = useState(String(agent.capacity));
  const parsed = Number(capacity);
  const valid = capacity.trim() !== '' && Number.isInteger(parsed) && parsed >= 0 && parsed <= AGENT_CAPACITY_MAX;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (valid) save.mutate({ userId: agent.id, capacity: parsed });
  };
  return (
    <tr>
      <th scope="row">{agent.name}</th>
      <td>{agent.skills.length === 0 ? t('allSkills') : agent.skills.map((s) => labels.category(s)).join('、')}</td>
      <td>{agent.presence ? tr(`phone.presence.state.${agent.presence}`) : t('presence.none')}</td>
      <td>
        <form className="assign-capacity" onSubmit={submit}>
          <span>{agent.load} / </span>
          <input
            type="number"
            inputMode="numeric"
            min={0}
            max={AGENT_CAPACITY_MAX}
            value={capacity}
            aria-label={t('capacity', { name: agent.name })}
            aria-invalid={!valid}
            onChange={(e) => setCapacity(e.target.value)}
          />
          <button type="submit" disabled={!valid || save.isPending}>
            {t('setCapacity')}
          </button>
          {!valid && <span className="inline-error">{t('badCapacity')}</span>}
          {save.isError && (
            <span className="inline-error" role="alert">
              {assignErrorText(save.error, t)}
            </span>
          )}
        </form>
      </td>
    </tr>
  );
}
