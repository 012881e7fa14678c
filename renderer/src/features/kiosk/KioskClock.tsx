/** The big lobby clock: time, then the date with weekday — in the site's time zone, like every time on screen. */
import { formatClock, formatLongDate, siteTimeZone } from '../console/formatTime';
import { useClock } from './useClock';

// The lobby screens fetch no SLA settings: they show the default site zone (Asia/Shanghai).
const kioskFormat = () => ({ language: 'zh-CN', timeZone: siteTimeZone() });

export function KioskClock() {
  const now = useClock();
  return (
    <div className="kiosk-clock">
      <time className="kiosk-time" dateTime={now.toISOString()}>
        {formatClock(now, kioskFormat())}
      </time>
      <span className="kiosk-date">{formatLongDate(now, kioskFormat())}</span>
    </div>
  );
}
