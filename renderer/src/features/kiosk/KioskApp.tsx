/**
 * Lobby kiosk start screen. The three services (take a number, report a repair, check progress) arrive in a
 * later issue ("Kiosk"); until then they are shown disabled as "coming soon" so the screen can be installed.
 * Text is bilingual at once: residents cannot be expected to find a language switch.
 */
import { useTranslation } from 'react-i18next';
import { KioskClock } from './KioskClock';
import { SearchIcon, TicketIcon, WrenchIcon } from './KioskIcons';
import { useIdleReset } from './useIdleReset';
import { useLockdown } from './useLockdown';

const IDLE_RESET_MS = 60_000;

const SERVICES = [
  { key: 'takeNumber', Icon: TicketIcon },
  { key: 'reportRepair', Icon: WrenchIcon },
  { key: 'checkProgress', Icon: SearchIcon },
] as const;

export function KioskApp() {
  useLockdown();
  const resets = useIdleReset(IDLE_RESET_MS);
  // Remounting on every idle reset returns to a clean start screen.
  return <KioskStartScreen key={resets} />;
}

function KioskStartScreen() {
  const { i18n } = useTranslation();
  const zh = i18n.getFixedT('zh-CN');
  const en = i18n.getFixedT('en');

  return (
    <main className="kiosk">
      <header className="kiosk-header">
        <div className="kiosk-company">
          <span lang="zh-CN">{zh('kiosk.company')}</span>
          <span lang="en" className="kiosk-en">
            {en('kiosk.company')}
          </span>
        </div>
        <KioskClock />
      </header>
      <h1 className="kiosk-welcome">
        <span lang="zh-CN">{zh('kiosk.welcome')}</span>
        <span lang="en" className="kiosk-en">
          {en('kiosk.welcome')}
        </span>
      </h1>
      <div className="kiosk-services">
        {SERVICES.map((service) => (
          <button key={service.key} type="button" className="kiosk-service" disabled>
            <span className="kiosk-icon">
              <service.Icon />
            </span>
            <span className="kiosk-service-name" lang="zh-CN">
              {zh(`kiosk.${service.key}`)}
            </span>
            <span className="kiosk-en" lang="en">
              {en(`kiosk.${service.key}`)}
            </span>
            <span className="kiosk-soon">
              {zh('kiosk.comingSoon')} / {en('kiosk.comingSoon')}
            </span>
          </button>
        ))}
      </div>
      <p className="kiosk-hint">
        <span lang="zh-CN">{zh('kiosk.hint')}</span>
        <span lang="en" className="kiosk-en">
          {en('kiosk.hint')}
        </span>
      </p>
    </main>
  );
}
