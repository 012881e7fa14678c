/**
 * The small SLA badge of a ticket row: time left, overdue by how much, or paused — from the ticket's stored SLA
 * fields, formatted like the SOP card's "time left" (one shared formatter, sop/timeLeft.ts).
 * Pure (no hooks): a list draws many of these, so the strings come in once per language (useSlaBadgeText) and the
 * clock once per list (useMinuteClock in the list).
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Ticket } from '../../../../../common/domain';
import { formatDuration, timeLeft } from '../sop/timeLeft';
import './sla.css';

/** The badge's texts in the current language. */
export interface SlaBadgeText {
  paused: string;
  pausedLeft(time: string): string;
  left(time: string): string;
  overdue(time: string): string;
  overdueHint: string;
  atRiskHint: string;
  provisional: string;
  /** The language durations are written in. */
  durationLanguage: 'zh' | 'en';
}

/** The badge texts, rebuilt only when the language changes. */
export function useSlaBadgeText(): SlaBadgeText {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  return useMemo(
    () => ({
      paused: t('sla.badge.paused'),
      pausedLeft: (time) => t('sla.badge.pausedLeft', { time }),
      left: (time) => t('sla.badge.left', { time }),
      overdue: (time) => t('sla.badge.overdue', { time }),
      overdueHint: t('sla.badge.overdueHint'),
      atRiskHint: t('sla.badge.atRiskHint'),
      provisional: t('sla.badge.provisional'),
      durationLanguage: language === 'en' ? 'en' : 'zh',
    }),
    // `t` changes with the language; the language is named too so a reused `t` still rebuilds.
    [t, language],
  );
}

export function SlaBadge({ ticket, now, text }: { ticket: Ticket; now: number; text: SlaBadgeText }) {
  const language = text.durationLanguage;
  const left = timeLeft(ticket, new Date(now));
  const provisional = ticket.slaProvisional ? text.provisional : '';
  if (left.kind === 'paused') {
    const label =
      left.remainingMinutes === null
        ? text.paused
        : text.pausedLeft(formatDuration(left.remainingMinutes * 60_000, language));
    return <span className="sla-badge sla-paused">{label}</span>;
  }
  // Rows only show running clocks; the workflow's nominal limit belongs on the SOP card.
  if (left.kind !== 'due') return null;
  const time = formatDuration(left.msLeft, language);
  const state = left.state === 'breached' ? 'overdue' : left.state;
  const hint = state === 'overdue' ? text.overdueHint : state === 'at_risk' ? text.atRiskHint : undefined;
  return (
    <span className={`sla-badge sla-${state}`} title={hint ? hint + provisional : provisional || undefined}>
      {state === 'overdue' ? text.overdue(time) : text.left(time)}
    </span>
  );
}
