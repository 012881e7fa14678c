/**
 * The polite live notice for the agent who received or lost tickets through someone else's move ("工单 X 已由
 * 组长 转派给您"), in the console's notice area. Every signed-in console listens; the desk decides what is news.
 * A queue move arrives as many notices at once: those of one short burst are said as one sentence per direction.
 */
import { useEffect } from 'react';
import type { ReassignNotice } from '../../../../common/lead/board';
import { desk } from '../../api/desk';
import { useLeadText, type LeadT } from '../../i18n/lead';
import { announce } from '../phone/notify';

/** Notices this close together are one move. */
const BURST_MS = 250;

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

export function ReassignNotices() {
  const t = useLeadText();
  useEffect(() => {
    let burst: ReassignNotice[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      for (const direction of ['received', 'lost'] as const) {
        const batch = burst.filter((n) => n.direction === direction);
        if (batch.length > 0) announce(noticeText(batch, t));
      }
      burst = [];
    };
    const off = desk.on('lead.reassigned', (notice) => {
      burst.push(notice);
      clearTimeout(timer);
      timer = setTimeout(flush, BURST_MS);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [t]);
  return null;
}
