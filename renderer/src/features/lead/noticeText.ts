/** The reassignment notice's sentence (./ReassignNotices): one ticket by its code, a burst as one count. */
import type { ReassignNotice } from '../../../../common/lead/board';
import type { LeadT } from '../../i18n/lead';

export function noticeText(batch: readonly ReassignNotice[], t: LeadT): string {
  const first = batch[0];
  if (!first) return '';
  const by = first.byName || t('someone');
  const reason = first.reason ? ` · ${t('noticeReason', { reason: first.reason })}` : '';
  if (batch.length === 1) {
    const code = first.code ?? t('newTicket');
    return t(first.direction === 'received' ? 'noticeReceived' : 'noticeLost', { code, by }) + reason;
  }
  const key = first.direction === 'received' ? 'noticeManyReceived' : 'noticeManyLost';
  return t(key, { count: batch.length, by }) + reason;
}
