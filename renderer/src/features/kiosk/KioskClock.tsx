/** The big lobby clock: time, then the date with weekday. */
import { useClock } from './useClock';

const timeFormat = new Intl.DateTimeFormat('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false });
const dateFormat = new Intl.DateTimeFormat('zh-CN', {
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  weekday: 'long',
});

export function KioskClock() {
  const now = useClock();
  return (
    <div className="kiosk-clock">
      <time className="kiosk-time" dateTime={now.toISOString()}>
        {timeFormat.format(now)}
      </time>
      <span className="kiosk-date">{dateFormat.format(now)}</span>
    </div>
  );
}
