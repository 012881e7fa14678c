/** "还在吗？ / Still there?": the countdown before the kiosk starts over; a touch anywhere closes it. */
import { kioskText } from '../../i18n/kiosk';
import { Bi } from './Bi';

export function IdleWarning({ secondsLeft }: { secondsLeft: number }) {
  return (
    <div className="kiosk-overlay">
      <div
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="kiosk-idle-title"
        aria-describedby="kiosk-idle-count"
        className="kiosk-dialog"
      >
        <h2 id="kiosk-idle-title">
          <Bi text={kioskText('stillThere')} />
        </h2>
        {/* Announced when it appears; the seconds are shown, not read out every second. */}
        <p id="kiosk-idle-count" className="kiosk-countdown">
          <Bi text={kioskText('resetIn', { n: secondsLeft })} />
        </p>
        <button type="button" className="kiosk-button kiosk-primary" autoFocus>
          <Bi text={kioskText('stay')} />
        </button>
        <p className="kiosk-note">
          <Bi text={kioskText('touchToStay')} />
        </p>
      </div>
    </div>
  );
}
