/**
 * The polite live notice for the agent who received or lost a ticket through someone else's move ("工单 X 已由
 * 组长 转派给您"), in the console's notice area. Every signed-in console listens; the desk decides what is news.
 */
import { useEffect } from 'react';
import { desk } from '../../api/desk';
import { useLeadText } from '../../i18n/lead';
import { announce } from '../phone/notify';

export function ReassignNotices() {
  const t = useLeadText();
  useEffect(
    () =>
      desk.on('lead.reassigned', (notice) => {
        const values = { code: notice.code ?? t('newTicket'), by: notice.byName || t('someone') };
        const what = t(notice.direction === 'received' ? 'noticeReceived' : 'noticeLost', values);
        announce(notice.reason ? `${what} · ${t('noticeReason', { reason: notice.reason })}` : what);
      }),
    [t],
  );
  return null;
}
