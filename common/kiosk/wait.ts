/**
 * The wait a kiosk promises with a number: people ahead × the line's recent service time. The service time is
 * read from the gaps between the line's recent calls (an agent calls the next number when the last resident
 * leaves the counter); until a day has two calls, the line's usual time stands in.
 */

/** How many recent gaps the estimate averages: enough to smooth one slow resident, recent enough to follow the day. */
export const SERVICE_SAMPLE = 10;
/** A gap longer than this is a break at the counter, not a resident being served. */
export const MAX_SERVICE_GAP_MINUTES = 30;

/** Mean minutes between consecutive calls (`calledAt` in any order), or `fallback` when there is no usable gap. */
export function recentServiceMinutes(calledAt: readonly Date[], fallback: number): number {
  const times = calledAt.map((d) => d.getTime()).sort((a, b) => b - a);
  const gaps: number[] = [];
  for (let i = 0; i + 1 < times.length && gaps.length < SERVICE_SAMPLE; i++) {
    const minutes = (times[i]! - times[i + 1]!) / 60_000;
    if (minutes > 0 && minutes <= MAX_SERVICE_GAP_MINUTES) gaps.push(minutes);
  }
  if (gaps.length === 0) return fallback;
  return gaps.reduce((sum, g) => sum + g, 0) / gaps.length;
}

/** Whole minutes, rounded up: a kiosk that says "about 0 minutes" with people ahead would be wrong. */
export function estimateWaitMinutes(peopleAhead: number, serviceMinutes: number): number {
  if (peopleAhead <= 0) return 0;
  return Math.ceil(peopleAhead * serviceMinutes);
}
