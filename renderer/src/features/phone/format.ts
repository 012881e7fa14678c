/** How the phone's values read: durations, the wrap-up countdown, the softphone's state in the status bar. */
import type { CtiAdapterStatus, CtiStatus } from '../../../../common/calls/pop';

/** 65 → "1:05"; 3723 → "1:02:03". */
export function formatSeconds(total: number): string {
  const seconds = Math.max(0, Math.floor(total));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Whole seconds from `now` until `until` (never negative). */
export function secondsUntil(until: string, now: number): number {
  return Math.max(0, Math.ceil((Date.parse(until) - now) / 1000));
}

/** Seconds since `since` (never negative). */
export function secondsSince(since: string, now: number): number {
  return Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
}

/**
 * The adapters worth a word in the status bar: the ones switched on, a phone before the local hook. Empty when
 * nothing is on (the bar then says there is no phone).
 */
export function shownAdapters(status: CtiStatus): CtiAdapterStatus[] {
  const order: Record<CtiAdapterStatus['name'], number> = { baresip: 0, ami: 1, hook: 2 };
  return status.adapters.filter((a) => a.state !== 'disabled').sort((a, b) => order[a.name] - order[b.name]);
}
