/**
 * Tickets at risk or breached, the least time left first, with their step, milestone and owner. Each row's handle
 * is the board's cursor (j/k move focus along the handles) and a draggable: pointer, or Space + arrows + Space.
 */
import { useDraggable } from '@dnd-kit/core';
import { memo } from 'react';
import type { RiskItem } from '../../../../common/lead/board';
import { currentLanguage } from '../../i18n';
import type { LeadT } from '../../i18n/lead';
import { formatDuration } from '../console/sop/timeLeft';

export interface RiskRowText {
  code(item: RiskItem): string;
  step(item: RiskItem): string;
  owner(id: string | null): string;
  queue(teamId: string | null): string;
}

function Row({
  item,
  selected,
  onToggle,
  onFocus,
  text,
  t,
}: {
  item: RiskItem;
  selected: boolean;
  onToggle(): void;
  onFocus(): void;
  text: RiskRowText;
  t: LeadT;
}) {
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: item.ticketId });
  const code = text.code(item);
  // "已超 2天20小时" reads at a glance where "已超 4087 分钟" does not.
  const time = formatDuration(item.minutesLeft * 60_000, currentLanguage() === 'en' ? 'en' : 'zh');
  const left = item.minutesLeft < 0 ? t('timeOver', { time }) : t('timeLeft', { time });
  return (
    <li
      className={`lead-risk-row risk-${item.risk}${selected ? ' selected' : ''}${isDragging ? ' dragging' : ''}`}
      data-ticket={item.ticketId}
    >
      <input
        type="checkbox"
        checked={selected}
        onChange={onToggle}
        aria-label={t('selectRow', { code })}
        tabIndex={-1}
      />
      <button
        ref={setNodeRef}
        type="button"
        className="lead-risk-handle"
        {...attributes}
        {...listeners}
        onFocus={onFocus}
      >
        {/* The visible text is the name (a separate aria-label that differed from it failed axe's label-in-name
            check when a title began with a digit: "…0001" + "4号楼" read as one number). */}
        <span className="lead-code">{code}</span> <span className="lead-title">{item.title}</span>
      </button>
      <span className={`lead-risk-chip risk-${item.risk}`}>{t(`risk_${item.risk}`)}</span>
      <span>{left}</span>
      <span>{text.step(item)}</span>
      <span>{text.queue(item.teamId)}</span>
      <span>{text.owner(item.assigneeId)}</span>
    </li>
  );
}

/** Memoised: a board answer whose risk list is unchanged (an agent's presence moved) does not re-render it. */
export const RiskList = memo(function RiskList({
  items,
  selected,
  onToggle,
  onFocusRow,
  text,
  t,
}: {
  items: readonly RiskItem[];
  selected: ReadonlySet<string>;
  onToggle(id: string): void;
  onFocusRow(index: number): void;
  text: RiskRowText;
  t: LeadT;
}) {
  return (
    <section className="lead-risk" aria-labelledby="lead-risk-title">
      <h3 id="lead-risk-title">{t('riskTitle')}</h3>
      {selected.size > 0 && (
        <p role="status" className="kb-muted">
          {t('selectionCount', { count: selected.size })}
        </p>
      )}
      {items.length === 0 ? (
        <p className="kb-muted">{t('riskEmpty')}</p>
      ) : (
        <ul aria-labelledby="lead-risk-title">
          {items.map((item, index) => (
            <Row
              key={item.ticketId}
              item={item}
              selected={selected.has(item.ticketId)}
              onToggle={() => onToggle(item.ticketId)}
              onFocus={() => onFocusRow(index)}
              text={text}
              t={t}
            />
          ))}
        </ul>
      )}
    </section>
  );
});
