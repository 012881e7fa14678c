/** The callback queue's order: the calls views list newest first, callbacks are worked oldest first. */
import type { Call } from '../../../../common/domain';

/**
 * The next missed call whose callback nobody has claimed: the oldest, or, when the cursor is on an open one
 * already, the one after it (round to the oldest again) — so pressing F2 again walks the queue.
 */
export function nextOpenCallback(newestFirst: readonly Call[], currentId: string | null): Call | undefined {
  const open = newestFirst.filter((call) => call.callback.state === 'open').reverse();
  const at = open.findIndex((call) => call.id === currentId);
  return at >= 0 && open.length > 1 ? open[(at + 1) % open.length] : open[0];
}

/** "张三 is already calling back this number" (the host names the holder in English): the holder's name. */
export function claimHolder(message: string): string | null {
  return /^(.+?) is already calling back/.exec(message)?.[1] ?? null;
}
