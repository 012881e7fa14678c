/** Small display helpers of the intake screen. */

/** "5 小时" / "5 h": how long ago, coarse (minutes under an hour, hours under two days, then days). */
export function agoParts(iso: string, now: Date = new Date()): { unit: 'minutes' | 'hours' | 'days'; count: number } {
  const ms = Math.max(0, now.getTime() - Date.parse(iso));
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return { unit: 'minutes', count: Math.max(1, minutes) };
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return { unit: 'hours', count: hours };
  return { unit: 'days', count: Math.floor(hours / 24) };
}
