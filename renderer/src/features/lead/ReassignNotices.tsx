/**
 * The polite live notice for the agent who received or lost tickets through someone else's move ("工单 X 已由
 * 组长 转派给您"), in the console's notice area. Every signed-in console listens; the desk decides what is news.
 * A queue move arrives as many notices at once: those of one short burst are said as one sentence per direction.
 */
import { useEffect } from 'react';
import type { ReassignNotice } from '../../../../common/lead/board';
import { desk } from '../../api/desk';
import { useLeadText } from '../../i18n/lead';
import { announce } from '../phone/notify';
import { noticeText } from './noticeText';

/** Notices this close together are one move. */
const BURST_MS = 250;

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
