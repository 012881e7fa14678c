/** Bottom bar: connection to the central server, pending changes, initial-sync progress, rejections. */
import { useTranslation } from 'react-i18next';
import type { SyncStatus } from '../../../../common/sync';
import { useSyncStatus } from '../../api/queries';
import { formatClock } from './formatTime';

export function SyncStatusBar() {
  const { t, i18n } = useTranslation();
  const { data: status } = useSyncStatus();

  return (
    <footer className="status-bar" role="status" aria-label={t('sync.label')}>
      {status && (
        <>
          <span className={`sync-state state-${status.state}`}>
            <span className="sync-dot" aria-hidden="true" />
            {stateText(status, t, i18n.language)}
          </span>
          {status.pending > 0 && status.state !== 'syncing' && (
            <span className="sync-pending">{t('sync.pending', { count: status.pending })}</span>
          )}
          {status.progress && <InitialSyncProgress progress={status.progress} />}
          {status.rejected.length > 0 && <RejectedChanges rejected={status.rejected} />}
          {status.lastSyncAt && (
            <span className="sync-last">
              {t('sync.lastSync', { time: formatClock(status.lastSyncAt, i18n.language) })}
            </span>
          )}
        </>
      )}
    </footer>
  );
}

type Translate = ReturnType<typeof useTranslation>['t'];

function stateText(status: SyncStatus, t: Translate, language: string): string {
  switch (status.state) {
    case 'online':
      return t('sync.online');
    case 'syncing':
      return t('sync.syncing', { count: status.pending });
    case 'connecting':
      return t('sync.connecting');
    case 'offline':
      return status.offlineSince
        ? t('sync.offline', { time: formatClock(status.offlineSince, language) })
        : t('sync.offline', { time: '—' });
  }
}

function InitialSyncProgress({ progress }: { progress: NonNullable<SyncStatus['progress']> }) {
  const { t, i18n } = useTranslation();
  const number = new Intl.NumberFormat(i18n.language);
  const rows = number.format(progress.rows);
  return (
    <span className="sync-progress">
      {/* Without a known total the bar is indeterminate rather than falsely full. */}
      {progress.total === null ? (
        <progress aria-label={t('sync.progress')} />
      ) : (
        <progress aria-label={t('sync.progress')} value={progress.rows} max={Math.max(progress.total, 1)} />
      )}
      {progress.total === null
        ? t('sync.progressRowsOpen', { rows })
        : t('sync.progressRows', { rows, total: number.format(progress.total) })}
    </span>
  );
}

function RejectedChanges({ rejected }: { rejected: SyncStatus['rejected'] }) {
  const { t } = useTranslation();
  return (
    <details className="sync-rejected">
      <summary>{t('sync.rejected', { count: rejected.length })}</summary>
      <ul>
        {rejected.map((item) => (
          <li key={item.mutationId}>{t('sync.rejectedItem', { name: item.name, message: item.message })}</li>
        ))}
      </ul>
    </details>
  );
}
