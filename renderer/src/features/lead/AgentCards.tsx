/**
 * One card per desk agent: presence, the call they are on, the wrap-up countdown, open load against capacity,
 * handled today, skills. Each card is a drop target for a dragged ticket (pointer or keyboard).
 */
import { useDroppable } from '@dnd-kit/core';
import { memo } from 'react';
import type { AgentCard } from '../../../../common/lead/board';
import { loadLevel } from '../../../../common/lead/board';
import type { Category } from '../../../../common/domain';
import type { LeadT } from '../../i18n/lead';
import { useNow } from '../console/sop/useNow';

const clockText = (ms: number) => {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

/** A line with a running clock: only it re-renders each second, not the board. */
function Ticking({ text }: { text(now: number): string }) {
  const now = useNow(1_000).getTime();
  return <p>{text(now)}</p>;
}

/** Memoised: a new board answer re-renders only the cards whose agent changed. */
const Card = memo(function Card({ agent, category, t }: { agent: AgentCard; category(c: Category): string; t: LeadT }) {
  const { setNodeRef, isOver } = useDroppable({ id: agent.userId, data: { name: agent.name } });
  const level = loadLevel(agent.openLoad, agent.capacity);
  const { call, wrapUpUntil } = agent;
  const nameId = `lead-agent-${agent.userId}`;
  return (
    <li
      ref={setNodeRef}
      className={`lead-agent presence-${agent.presence}${isOver ? ' lead-drop-over' : ''}`}
      aria-labelledby={nameId}
      data-agent={agent.userId}
    >
      <h4 id={nameId}>{agent.name}</h4>
      <p className="lead-presence">{t(`presence_${agent.presence}`)}</p>
      {call && agent.presence === 'on_call' && (
        <Ticking
          text={(now) =>
            t('onCall', {
              from: call.from ?? '—',
              time: clockText(now - Date.parse(call.answeredAt ?? call.startedAt)),
            })
          }
        />
      )}
      {wrapUpUntil && <Ticking text={(now) => t('wrapUpLeft', { time: clockText(Date.parse(wrapUpUntil) - now) })} />}
      <p className={`lead-load load-${level}`} data-load={agent.openLoad}>
        {t('load', { load: agent.openLoad, capacity: agent.capacity })} · {t(`load_${level}`)}
      </p>
      <meter
        min={0}
        max={Math.max(agent.capacity, 1)}
        value={agent.openLoad}
        aria-label={t('load', { load: agent.openLoad, capacity: agent.capacity })}
      />
      <p>{t('handledToday', { count: agent.handledToday })}</p>
      <p className="kb-muted">
        {agent.skills.length > 0 ? t('skills', { skills: agent.skills.map(category).join('、') }) : t('noSkills')}
      </p>
    </li>
  );
});

export function AgentCards({
  agents,
  category,
  t,
}: {
  agents: readonly AgentCard[];
  category(c: Category): string;
  t: LeadT;
}) {
  return (
    <section className="lead-agents" aria-labelledby="lead-agents-title">
      <h3 id="lead-agents-title">{t('agentsTitle')}</h3>
      <p className="kb-muted" id="lead-agents-hint">
        {t('agentsHint')}
      </p>
      <ul>
        {agents.map((agent) => (
          <Card key={agent.userId} agent={agent} category={category} t={t} />
        ))}
      </ul>
    </section>
  );
}
