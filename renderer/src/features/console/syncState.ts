/** What the status bar says about the connection to the central server (DESIGN.md §5 sync state). */
import type { TFunction } from 'i18next';
import type { SyncStatus } from '../../../../common/sync';
import { formatClock, type TimeFormat } from './formatTime';

export type Translate = TFunction;

export function stateText(status: SyncStatus, t: Translate, timeFormat: TimeFormat): string {
  switch (status.state) {
    case 'online':
      return t('sync.online');
    case 'syncing':
      return t('sync.syncing', { count: status.pending });
    case 'connecting':
      return t('sync.connecting');
    case 'offline':
      return status.offlineSince
        ? t('sync.offline', { time: formatClock(status.offlineSince, timeFormat) })
        : t('sync.offline', { time: '—' });
    case 'server_error':
      // The server answers, but fails (5xx): not "offline"; the changes stay queued and are retried (issue 11 §1).
      return status.serverError?.status
        ? t('sync.serverError', { status: status.serverError.status })
        : t('sync.serverErrorNoStatus');
  }
}
