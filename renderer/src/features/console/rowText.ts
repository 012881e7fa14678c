/**
 * Every string a ticket row shows that is not the ticket's own data, built once per language for the whole list.
 * Rows are many and re-drawn while scrolling: a hook per row (useTranslation subscribes each one to i18n) costs
 * more than the row itself, so the list calls this once and hands the result down.
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { TicketStatus, TicketType } from '../../../../common/domain';
import { useLabels } from '../../i18n/labels';
import { useTimeFormat, type TimeFormat } from './formatTime';
import { useSlaBadgeText, type SlaBadgeText } from './sla/SlaBadge';

export interface RowText {
  /** The language and the site's time zone, for dates. */
  time: TimeFormat;
  loading: string;
  pendingCode: string;
  /** The label before the row's date, which is always the creation date. */
  createdPrefix: string;
  /** The date's tooltip: both the creation and the last change, in full. */
  dates(created: string, updated: string): string;
  /** The checkbox's accessible name for a ticket. */
  select(what: string): string;
  priority(priority: number): string;
  status(type: TicketType, status: TicketStatus): string;
  sla: SlaBadgeText;
}

export function useRowText(): RowText {
  const { t } = useTranslation();
  const labels = useLabels();
  const sla = useSlaBadgeText();
  const time = useTimeFormat();
  return useMemo(
    () => ({
      time,
      loading: t('list.loadingRow'),
      pendingCode: t('list.pendingCode'),
      createdPrefix: t('list.createdPrefix'),
      dates: (created, updated) => t('list.dates', { created, updated }),
      select: (what) => t('triage.row.select', { what }),
      priority: labels.priority,
      status: labels.status,
      sla,
    }),
    [t, time, labels, sla],
  );
}
