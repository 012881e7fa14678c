/**
 * Bottom bar: connection to the central server, pending changes, initial-sync progress, rejected changes and the
 * phone's connection —
 * with a toast when a change is rejected and a review dialog (reason, time, the ticket) to dismiss them.
 */
import { useTranslation } from 'react-i18next';
import type { SyncStatus } from '../../../../common/sync';
import { useSyncStatus } from '../../api/queries';
import { formatClock, useTimeFormat } from './formatTime';
import { initialText, stateText } from './syncState';
import { RejectedReview, RejectedToast, useNewRejections } from './RejectedChanges';
import { useState } from 'react';
import { CtiStatus } from '../phone/CtiStatus';

export function SyncStatusBar({ onOpenTicket }: { onOpenTicket?: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const timeFormat = useTimeFormat();
  const { data: status } = useSyncStatus();
  const [reviewOpen, setReviewOpen] = useState(false);
  const { toasts, dismissToast } = useNewRejections(status?.rejected);

  return (
    <>
      <footer className="status-bar" role="status" aria-label={t('sync.label')}>
        {status && (
          <>
            <span className={`sync-state state-${status.state}`}>
              <span className="sync-dot" aria-hidden="true" />
              {status.progress && status.state !== 'offline'
                ? initialText(status.progress, t, i18n.language)
                : stateText(status, t, timeFormat)}
            </span>
            {status.pending > 0 && status.state !== 'syncing' && (
              <span className="sync-pending">{t('sync.pending', { count: status.pending })}</span>
            )}
            {status.progress && <InitialSyncProgress progress={status.progress} />}
            {status.rejected.length > 0 && (
              <button
                type="button"
                className="sync-rejected"
                aria-haspopup="dialog"
                onClick={() => setReviewOpen(true)}
                title={t('sync.review')}
              >
                {t('sync.rejected', { count: status.rejected.length })}
              </button>
            )}
            <CtiStatus />
            {status.lastSyncAt && (
              <span className="sync-last">
                {t('sync.lastSync', { time: formatClock(status.lastSyncAt, timeFormat) })}
              </span>
            )}
          </>
        )}
      </footer>
      <RejectedToast
        toasts={toasts}
        onDismiss={dismissToast}
        onReview={() => {
          setReviewOpen(true);
        }}
      />
      {reviewOpen && (
        <RejectedReview
          rejected={status?.rejected ?? []}
          onClose={() => setReviewOpen(false)}
          onOpenTicket={(id) => {
            setReviewOpen(false);
            onOpenTicket?.(id);
          }}
        />
      )}
    </>
  );
}

function InitialSyncProgress({ progress }: { progress: NonNullable<SyncStatus['progress']> }) {
  const { t } = useTranslation();
  // Without a known total the bar is indeterminate rather than falsely full.
  return (
    <span className="sync-progress">
      {progress.total === null ? (
        <progress aria-label={t('sync.progress')} />
      ) : (
        <progress aria-label={t('sync.progress')} value={progress.rows} max={Math.max(progress.total, 1)} />
      )}
    </span>
  );
}
