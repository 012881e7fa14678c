/**
 * The lobby kiosk (issue 12 §4): a start screen with three services — take a number, report a repair, check a
 * status — in Chinese and English at once. Locked down (./useLockdown); after IDLE_TIMINGS without a touch it warns,
 * then starts over, wiping what was entered (the screens remount under a new key).
 */
import { useState } from 'react';
import { kioskText } from '../../i18n/kiosk';
import { Bi } from './Bi';
import { CheckStatusFlow } from './CheckStatusFlow';
import { IdleWarning } from './IdleWarning';
import { KioskClock } from './KioskClock';
import { SearchIcon, TicketIcon, WrenchIcon } from './KioskIcons';
import { BigButton } from './KioskParts';
import { LobbySignIn } from './LobbySignIn';
import { ReportRepairFlow } from './ReportRepairFlow';
import { TakeNumberFlow } from './TakeNumberFlow';
import { useIdleWarning } from './useIdleWarning';
import { useLobbySession } from './useLobbySession';
import { useLockdown } from './useLockdown';

type Flow = 'start' | 'takeNumber' | 'reportRepair' | 'checkStatus';

const SERVICES = [
  { flow: 'takeNumber', Icon: TicketIcon },
  { flow: 'reportRepair', Icon: WrenchIcon },
  { flow: 'checkStatus', Icon: SearchIcon },
] as const;

export function KioskApp() {
  useLockdown();
  const { session, setSession } = useLobbySession();
  const { resets, secondsLeft } = useIdleWarning();
  if (session === null) return null; // asking the desk; a blank lobby screen for a moment
  if (!session.user) return <LobbySignIn onSignedIn={setSession} />;
  return (
    <>
      {/* A new key on every idle reset: a clean start screen, nothing of the last resident left. */}
      <KioskFlows key={resets} />
      {secondsLeft !== null && <IdleWarning secondsLeft={secondsLeft} />}
    </>
  );
}

function KioskFlows() {
  const [flow, setFlow] = useState<Flow>('start');
  const home = () => setFlow('start');
  return (
    <main className="kiosk" aria-label={`${kioskText('services').zh} / ${kioskText('services').en}`}>
      <header className="kiosk-header">
        <p className="kiosk-company">
          <Bi text={kioskText('company')} />
        </p>
        <KioskClock />
      </header>
      {flow === 'start' && (
        <section className="kiosk-screen" aria-labelledby="kiosk-welcome">
          <h1 id="kiosk-welcome" className="kiosk-welcome">
            <Bi text={kioskText('welcome')} />
          </h1>
          <div className="kiosk-services">
            {SERVICES.map(({ flow: f, Icon }) => (
              <BigButton
                key={f}
                text={kioskText(f)}
                icon={<Icon />}
                className="kiosk-service"
                onClick={() => setFlow(f)}
              />
            ))}
          </div>
        </section>
      )}
      {flow === 'takeNumber' && <TakeNumberFlow onHome={home} />}
      {flow === 'reportRepair' && <ReportRepairFlow onHome={home} />}
      {flow === 'checkStatus' && <CheckStatusFlow onHome={home} />}
      <footer className="kiosk-hint">
        <Bi text={kioskText('hint')} />
      </footer>
    </main>
  );
}
