/**
 * The line under 处理记录 for a ticket whose earlier events are not cached (TicketDetail's HistoryMissing): what it
 * says, and when it has the detail read again. Reading the detail is what asks the desk for the history
 * (main/services/ticket: tickets.get starts the fetch unless one is under way or the server refused it less than
 * five minutes ago), so the line asks only when a read could not have started it: the console was offline.
 */
import type { TFunction } from 'i18next';
import type { HistoryRefusal } from '../../../../common/contract';
import { reachesServer, type SyncStatus } from '../../../../common/sync';

export type SyncState = SyncStatus['state'];

/** What the line says: offline, refused (and why), else loading. */
export function historyNoticeText(
  { offline, refused }: { offline: boolean; refused: HistoryRefusal | undefined },
  t: TFunction,
): string {
  if (refused) return t(`detail.historyRefused.${refused}`);
  return t(offline ? 'detail.historyOffline' : 'detail.historyLoading');
}

/** Before the line's first check: it has just been drawn. */
export const JUST_SHOWN = Symbol('just shown');

/**
 * Whether the line should have the detail read again (which asks the desk for the history). While shown: when the
 * console goes from offline (or connecting) to reaching the server. When drawn: once, if the detail it shows was read before the console last
 * came back online (that read could not start the fetch) and the server has not refused the history.
 */
export function historyAskAgain(check: {
  /** The sync state at the line's previous check, or JUST_SHOWN. */
  previous: SyncState | undefined | typeof JUST_SHOWN;
  current: SyncState | undefined;
  refused: boolean;
  /** When the shown detail was read, and when the console last left offline (0: never seen), in ms. */
  readAt: number;
  backOnlineAt: number;
}): boolean {
  if (!reachesServer(check.current)) return false;
  if (check.previous === JUST_SHOWN) return !check.refused && check.readAt < check.backOnlineAt;
  return check.previous !== undefined && !reachesServer(check.previous);
}
