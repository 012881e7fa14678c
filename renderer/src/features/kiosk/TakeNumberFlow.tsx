/** 取号: pick a service line → the number, who is ahead and the estimated wait. */
import { useCallback } from 'react';
import { LINE_INFO, QUEUE_LINES, type QueueLine } from '../../../../common/kiosk/lines';
import { desk } from '../../api/desk';
import { kioskText } from '../../i18n/kiosk';
import { Bi } from './Bi';
import { BigButton, KioskError, KioskScreen } from './KioskParts';
import { useDeskCall } from './useDeskCall';

export function TakeNumberFlow({ onHome }: { onHome: () => void }) {
  const take = useCallback((line: QueueLine) => desk.kiosk.takeNumber({ line }), []);
  const { status, run } = useDeskCall(take);

  if (status.state === 'done') {
    const taken = status.value;
    return (
      <KioskScreen title={kioskText('yourNumber')}>
        <div role="status" className="kiosk-result">
          <p className="kiosk-number" aria-label={`${taken.label}`}>
            {taken.label}
          </p>
          <p className="kiosk-line">
            <Bi text={LINE_INFO[taken.line]} />
          </p>
          <p>
            <Bi text={kioskText('ahead', { n: taken.ahead })} />
          </p>
          <p>
            <Bi text={taken.ahead > 0 ? kioskText('wait', { n: taken.waitMinutes }) : kioskText('noWait')} />
          </p>
          <p className="kiosk-note">
            <Bi text={kioskText('watchDisplay')} />
          </p>
        </div>
        <BigButton text={kioskText('done')} onClick={onHome} className="kiosk-primary" />
      </KioskScreen>
    );
  }

  return (
    <KioskScreen title={kioskText('chooseLine')} onHome={onHome}>
      <div className="kiosk-choices">
        {QUEUE_LINES.map((line) => (
          <BigButton
            key={line}
            text={{ zh: `${line} · ${LINE_INFO[line].zh}`, en: `${line} · ${LINE_INFO[line].en}` }}
            onClick={() => void run(line)}
            disabled={status.state === 'busy'}
            className="kiosk-choice"
          />
        ))}
      </div>
      {status.state === 'failed' && <KioskError error={status.error} />}
    </KioskScreen>
  );
}
