/**
 * Every string a ticket row shows that is not the ticket's own data, built once per language for the whole list.
 * Rows are many and re-drawn while scrolling: a hook per row (useTranslation subscribes each one to i18n) costs
 * more than the row itself, so the list calls this once and hands the result down.
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { TicketStatus, TicketType } from '../../../../common/domain';
import { useLabels } from '../../i18n/labels';
import { useSlaBadgeText, type SlaBadgeText } from './sla/SlaBadge';

export interface RowText {
  /** The i18n language, for dates. */
  language: string;
  loading: string;
  pendingCode: string;
  /** The checkbox's accessible name for a ticket. */
  select(what: string): string;
  priority(priority: number): string;
  status(type: TicketType, status: TicketStatus): string;
  sla: SlaBadgeText;
}

export function useRowText(): RowText {
  const { t, i18n } = useTranslation();
  const labels = useLabels();
  const sla = useSlaBadgeText();
  const language = i18n.language;
  return useMemo(
    () => ({
      language,
      loading: t('list.loadingRow'),
      pendingCode: t('list.pendingCode'),
      select: (what) => t('triage.row.select', { what }),
      priority: labels.priority,
      status: labels.status,
      sla,
    }),
    [t, language, labels, sla],
  );
}
