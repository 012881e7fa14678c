/**
 * Rejected changes (DESIGN.md §5): the server said no to something the agent did offline or concurrently. A
 * polite toast says what and why the moment it happens; the review dialog lists them with reason, time and the
 * ticket, and lets the agent dismiss what they have seen.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncStatus } from '../../../../common/sync';
import { desk } from '../../api/desk';
import { setSyncStatus, useTicket } from '../../api/queries';
import { formatFullTime, useTimeFormat } from './formatTime';

type Rejected = SyncStatus['rejected'][number];
type Translate = ReturnType<typeof useTranslation>['t'];

const TOAST_MS = 8_000;

const CHANGE_KEYS = {
  'ticket.create': 'create',
  'ticket.setStatus': 'setStatus',
  'ticket.assign': 'assign',
  'ticket.comment': 'comment',
  'ticket.edit': 'edit',
  'ticket.tag': 'tag',
  'ticket.delete': 'delete',
  'call.log': 'callLog',
} as const;

/** "状态变更" for `ticket.setStatus`; a generic word for mutations this build does not know. */
export function changeLabel(name: string, t: Translate): string {
  const key = (CHANGE_KEYS as Record<string, (typeof CHANGE_KEYS)[keyof typeof CHANGE_KEYS] | undefined>)[name];
  return t(`sync.change.${key ?? 'other'}`);
}

/** The reason in the agent's language when the code is known, else the server's own words. */
export function reasonText(item: Rejected, t: Translate, exists: (key: string) => boolean): string {
  const key = `sync.reason.${item.code}`;
  if (exists(key)) return t(key as 'sync.reason.illegal_transition');
  return item.message || t('sync.reason.unknown');
}

/** Rejections that appeared after the console opened (older ones are in the review list, not re-announced). */
export function useNewRejections(rejected: SyncStatus['rejected'] | undefined) {
  const seen = useRef<Set<number> | null>(null);
  const [toasts, setToasts] = useState<Rejected[]>([]);

  useEffect(() => {
    if (!rejected) return;
    if (seen.current === null) {
      seen.current = new Set(rejected.map((r) => r.mutationId));
      return;
    }
    const fresh = rejected.filter((r) => !seen.current!.has(r.mutationId));
    if (fresh.length === 0) return;
    for (const r of fresh) seen.current.add(r.mutationId);
    setToasts((current) => [...current, ...fresh].slice(-3));
  }, [rejected]);

  const dismissToast = (mutationId: number) =>
    setToasts((current) => current.filter((r) => r.mutationId !== mutationId));
  return { toasts, dismissToast };
}

export function RejectedToast({
  toasts,
  onDismiss,
  onReview,
}: {
  toasts: Rejected[];
  onDismiss: (mutationId: number) => void;
  onReview: () => void;
}) {
  return (
    <div className="sync-toasts" role="status" aria-live="polite">
      {toasts.map((item) => (
        <Toast key={item.mutationId} item={item} onDismiss={onDismiss} onReview={onReview} />
      ))}
    </div>
  );
}

function Toast({
  item,
  onDismiss,
  onReview,
}: {
  item: Rejected;
  onDismiss: (mutationId: number) => void;
  onReview: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [paused, setPaused] = useState(false);

  useEffect(() => {
    if (paused) return;
    const timer = setTimeout(() => onDismiss(item.mutationId), TOAST_MS);
    return () => clearTimeout(timer);
  }, [paused, item.mutationId, onDismiss]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onDismiss(item.mutationId);
    }
  };

  return (
    <div
      className="sync-toast"
      onKeyDown={onKeyDown}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
    >
      <p className="sync-toast-text">
        {t('sync.toast', {
          change: changeLabel(item.name, t),
          reason: reasonText(item, t, (key) => i18n.exists(key)),
        })}
      </p>
      <button
        type="button"
        className="sync-toast-review"
        onClick={() => {
          onDismiss(item.mutationId);
          onReview();
        }}
      >
        {t('sync.reviewShort')}
      </button>
      <button
        type="button"
        className="sync-toast-close"
        aria-label={t('sync.toastClose')}
        onClick={() => onDismiss(item.mutationId)}
      >
        ×
      </button>
    </div>
  );
}

function useDismissRejected() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (mutationIds: number[]) => desk.sync.dismissRejected({ mutationIds }),
    onSuccess: (status) => setSyncStatus(client, status),
  });
}

/** A modal dialog (native <dialog>: focus moves in, Esc closes, focus returns to the status bar button). */
export function RejectedReview({
  rejected,
  onClose,
  onOpenTicket,
}: {
  rejected: SyncStatus['rejected'];
  onClose: () => void;
  onOpenTicket: (ticketId: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const timeFormat = useTimeFormat();
  const ref = useRef<HTMLDialogElement>(null);
  const dismiss = useDismissRejected();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  return (
    <dialog
      ref={ref}
      className="sync-review"
      aria-labelledby="sync-review-title"
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id="sync-review-title">{t('sync.reviewTitle')}</h2>
      {rejected.length === 0 ? (
        <p>{t('sync.reviewEmpty')}</p>
      ) : (
        <ul className="sync-review-list">
          {rejected.map((item) => (
            <li key={item.mutationId}>
              <div className="sync-review-what">
                <strong>{changeLabel(item.name, t)}</strong>
                <time dateTime={item.at}>{formatFullTime(item.at, timeFormat)}</time>
              </div>
              <p className="sync-review-reason">
                {t('sync.reason.label', { reason: reasonText(item, t, (key) => i18n.exists(key)) })}
              </p>
              {item.message && <p className="sync-review-detail">{item.message}</p>}
              <div className="sync-review-actions">
                {item.ticketId && <TicketLink id={item.ticketId} onOpen={onOpenTicket} />}
                <button type="button" disabled={dismiss.isPending} onClick={() => dismiss.mutate([item.mutationId])}>
                  {t('sync.dismiss')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <div className="sync-review-footer">
        {rejected.length > 0 && (
          <button
            type="button"
            disabled={dismiss.isPending}
            onClick={() => dismiss.mutate(rejected.map((r) => r.mutationId))}
          >
            {t('sync.dismissAll')}
          </button>
        )}
        <button type="button" onClick={onClose}>
          {t('sync.close')}
        </button>
      </div>
    </dialog>
  );
}

function TicketLink({ id, onOpen }: { id: string; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const { data } = useTicket(id);
  const code = data?.ticket.code;
  return (
    <button type="button" className="link-button" onClick={() => onOpen(id)}>
      {code ? t('sync.openTicketCode', { code }) : t('sync.openTicket')}
    </button>
  );
}
