/**
 * The audit log (审计日志) for leads and admins: who read or changed what, when and from where, newest first, with
 * filters for the action, the person and the dates, and "load more" for older pages. Asked from the server each
 * time (the log is never cached on a desk); offline it says so.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { isAuditSubjectType, type AuditItem } from '../../../../common/privacy';
import { desk } from '../../api/desk';
import { useUsers } from '../../api/queries';
import { useLabels } from '../../i18n/labels';
import { formatFullTime, useTimeFormat } from '../console/formatTime';
import { ModalDialog } from '../console/keyboard/ModalDialog';
import { NO_AUDIT_FILTER, auditFilterOf, type AuditFilterForm } from './auditFilter';
import { privacyErrorText } from './errors';
import { LABELLED_AUDIT_ACTIONS, auditActionLabel } from './labels';

const PAGE_SIZE = 50;

export function AuditLogDialog({ onClose }: { onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const timeFormat = useTimeFormat();
  const users = useUsers().data ?? [];
  const [form, setForm] = useState<AuditFilterForm>(NO_AUDIT_FILTER);
  const filter = auditFilterOf(form, timeFormat.timeZone);
  const log = useInfiniteQuery({
    queryKey: ['privacy', 'audit', filter],
    queryFn: ({ pageParam }) =>
      desk.audit.list({ ...(filter === 'bad_range' ? {} : filter), limit: PAGE_SIZE, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    enabled: filter !== 'bad_range',
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });
  const items = log.data?.pages.flatMap((page) => page.items) ?? [];
  const set = (patch: Partial<AuditFilterForm>) => setForm((current) => ({ ...current, ...patch }));

  return (
    <ModalDialog title={t('privacy.audit.title')} className="audit-log" onClose={onClose}>
      <fieldset className="audit-filters">
        <legend>{t('privacy.audit.filters')}</legend>
        <label>
          <span>{t('privacy.audit.action')}</span>
          <select value={form.action} onChange={(e) => set({ action: e.target.value })}>
            <option value="">{t('privacy.audit.allActions')}</option>
            {LABELLED_AUDIT_ACTIONS.map((action) => (
              <option key={action} value={action}>
                {auditActionLabel(action, i18n.language)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('privacy.audit.actor')}</span>
          <select value={form.actor} onChange={(e) => set({ actor: e.target.value })}>
            <option value="">{t('privacy.audit.allActors')}</option>
            <option value="system">{t('privacy.audit.system')}</option>
            {users.map((user) => (
              <option key={user.id} value={user.id}>
                {user.name} ({user.username})
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('privacy.audit.from')}</span>
          <input type="date" value={form.from} onChange={(e) => set({ from: e.target.value })} />
        </label>
        <label>
          <span>{t('privacy.audit.to')}</span>
          <input type="date" value={form.to} onChange={(e) => set({ to: e.target.value })} />
        </label>
      </fieldset>

      {filter === 'bad_range' && (
        <p className="inline-error" role="alert">
          {t('privacy.audit.badRange')}
        </p>
      )}
      {log.error && (
        <p className="inline-error" role="alert">
          {privacyErrorText(log.error, t)}
        </p>
      )}
      <p className="audit-count" role="status">
        {log.isPending && filter !== 'bad_range'
          ? t('privacy.audit.loading')
          : items.length === 0
            ? t('privacy.audit.empty')
            : t('privacy.audit.shown', { count: items.length })}
      </p>

      {items.length > 0 && (
        // Focusable so the arrow keys scroll a long log without a mouse.
        <div className="audit-table-wrap" tabIndex={0} aria-label={t('privacy.audit.title')}>
          <table className="audit-table">
            <thead>
              <tr>
                <th scope="col">{t('privacy.audit.at')}</th>
                <th scope="col">{t('privacy.audit.actor')}</th>
                <th scope="col">{t('privacy.audit.action')}</th>
                <th scope="col">{t('privacy.audit.subject')}</th>
                <th scope="col">{t('privacy.audit.source')}</th>
                <th scope="col">{t('privacy.audit.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <AuditRow key={item.id} item={item} time={formatFullTime(item.at, timeFormat)} />
              ))}
            </tbody>
          </table>
        </div>
      )}

      <div className="kb-dialog-footer">
        {log.hasNextPage && (
          <button type="button" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
            {log.isFetchingNextPage ? t('privacy.audit.loading') : t('privacy.audit.more')}
          </button>
        )}
        <button type="button" onClick={onClose}>
          {t('privacy.audit.close')}
        </button>
      </div>
    </ModalDialog>
  );
}

function AuditRow({ item, time }: { item: AuditItem; time: string }) {
  const { t, i18n } = useTranslation();
  const labels = useLabels();
  const actor = item.actor
    ? `${item.actor.name ?? item.actor.username ?? item.actor.id}${item.actor.role ? ` · ${labels.role(item.actor.role)}` : ''}`
    : t('privacy.audit.system');
  return (
    <tr>
      <td className="audit-time">{time}</td>
      <td>{actor}</td>
      <td>{auditActionLabel(item.action, i18n.language)}</td>
      <td className="audit-subject">{subjectText(item, t)}</td>
      <td>{item.sourceIp ?? ''}</td>
      <td className="audit-detail">{detailText(item.detail)}</td>
    </tr>
  );
}

/** `工单 <id>` in the agent's language; rows written before subject types existed show their subject as stored. */
function subjectText(item: AuditItem, t: TFunction): string {
  const type = item.subjectType;
  if (!type || !isAuditSubjectType(type)) return item.subject;
  return [t(`privacy.subjects.${type}`), item.subjectId].filter(Boolean).join(' ');
}

/** `reason: 调班, tickets: 2`: the detail's facts on one line. */
function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}
