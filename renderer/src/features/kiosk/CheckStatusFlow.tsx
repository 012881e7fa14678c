/** 查询进度: ticket code (typed, or read by a scanner that types it) + last 4 digits → the step and its limit. */
import { useCallback, useState, type FormEvent } from 'react';
import type { KioskStatusAnswer, KioskStatusRequest } from '../../../../common/kiosk/api';
import { desk } from '../../api/desk';
import { kioskText } from '../../i18n/kiosk';
import { formatFullTime, siteTimeZone } from '../console/formatTime';
import { Bi } from './Bi';
import { BigButton, KioskError, KioskField, KioskScreen } from './KioskParts';
import { useDeskCall } from './useDeskCall';

function limitText(answer: KioskStatusAnswer) {
  if (answer.paused) return kioskText('paused');
  if (!answer.dueAt) return kioskText('noLimit');
  const at = (language: string) => formatFullTime(answer.dueAt!, { language, timeZone: siteTimeZone() });
  const zh = kioskText('dueBy', { when: at('zh-CN') }).zh;
  const en = kioskText('dueBy', { when: at('en') }).en;
  return { zh, en };
}

export function CheckStatusFlow({ onHome }: { onHome: () => void }) {
  const [code, setCode] = useState('');
  const [last4, setLast4] = useState('');
  const check = useCallback((request: KioskStatusRequest) => desk.kiosk.checkStatus(request), []);
  const { status, run } = useDeskCall(check);

  if (status.state === 'done') {
    const answer = status.value;
    return (
      <KioskScreen title={kioskText('currentStep')}>
        <div role="status" className="kiosk-result">
          <p className="kiosk-code">{answer.code}</p>
          <p className="kiosk-step">
            <Bi text={answer.step} />
          </p>
          <p>
            <Bi text={limitText(answer)} />
          </p>
        </div>
        <BigButton text={kioskText('done')} onClick={onHome} className="kiosk-primary" />
      </KioskScreen>
    );
  }

  const ready = code.trim() !== '' && /^\d{4}$/.test(last4);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ready) void run({ code, last4 });
  };
  return (
    <KioskScreen title={kioskText('checkStatus')} onHome={onHome}>
      <form className="kiosk-form" onSubmit={submit}>
        <KioskField
          id="kiosk-code"
          label={kioskText('ticketCode')}
          value={code}
          onChange={setCode}
          maxLength={20}
          autoFocus
        />
        <KioskField
          id="kiosk-status-last4"
          label={kioskText('last4')}
          value={last4}
          onChange={setLast4}
          digits
          maxLength={4}
        />
        <BigButton
          type="submit"
          text={status.state === 'busy' ? kioskText('working') : kioskText('submit')}
          disabled={!ready || status.state === 'busy'}
          className="kiosk-primary"
        />
        {status.state === 'failed' && <KioskError error={status.error} />}
      </form>
    </KioskScreen>
  );
}
