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

/**
 * "初始同步 42%（8,400/20,000）"; "继续初始同步 …" after an interruption; once the working set is in, that the tickets
 * in progress are ready and older ones still coming.
 */
export function initialText(progress: NonNullable<SyncStatus['progress']>, t: Translate, language: string): string {
  const number = new Intl.NumberFormat(language);
  const rows = number.format(progress.rows);
  if (progress.total === null) {
    if (progress.workingSet) return t('sync.workingSetOpen', { rows });
    return progress.resumed ? t('sync.resumedOpen', { rows }) : t('sync.initialOpen', { rows });
  }
  const percent = Math.min(100, Math.floor((progress.rows / Math.max(progress.total, 1)) * 100));
  const values = { percent, rows, total: number.format(progress.total) };
  // The agent can work now: say that first (the desk asks the server for what is not here yet).
  if (progress.workingSet) return t('sync.workingSet', values);
  return progress.resumed ? t('sync.resumed', values) : t('sync.initial', values);
}
