/**
 * 报修: room number + the last 4 digits of a phone on file → a category pictogram → optional words → the ticket
 * code, also as a QR code for the resident's phone.
 */
import { QRCodeSVG } from 'qrcode.react';
import { useCallback, useState, type FormEvent } from 'react';
import type { KioskRepairRequest } from '../../../../common/kiosk/api';
import type { Category } from '../../../../common/domain';
import { desk } from '../../api/desk';
import { REPAIR_CATEGORIES, kioskText } from '../../i18n/kiosk';
import { Bi, both } from './Bi';
import { CategoryIcon } from './KioskIcons';
import { BigButton, KioskError, KioskField, KioskScreen } from './KioskParts';
import { useDeskCall } from './useDeskCall';

type Step = 'who' | 'what' | 'words';

export function ReportRepairFlow({ onHome }: { onHome: () => void }) {
  const [step, setStep] = useState<Step>('who');
  const [room, setRoom] = useState('');
  const [last4, setLast4] = useState('');
  const [category, setCategory] = useState<Category | null>(null);
  const [description, setDescription] = useState('');
  const report = useCallback((request: KioskRepairRequest) => desk.kiosk.reportRepair(request), []);
  const { status, run } = useDeskCall(report);

  if (status.state === 'done') {
    const { code } = status.value;
    return (
      <KioskScreen title={kioskText('repairFiled')}>
        <div role="status" className="kiosk-result">
          <p className="kiosk-code">{code}</p>
          <QRCodeSVG value={code} size={220} marginSize={2} role="img" aria-label={both(kioskText('qrLabel'))} />
          <p className="kiosk-note">
            <Bi text={kioskText('scanCode')} />
          </p>
        </div>
        <BigButton text={kioskText('done')} onClick={onHome} className="kiosk-primary" />
      </KioskScreen>
    );
  }

  if (step === 'who') {
    const ready = room.trim() !== '' && /^\d{4}$/.test(last4);
    const next = (e: FormEvent) => {
      e.preventDefault();
      if (ready) setStep('what');
    };
    return (
      <KioskScreen title={kioskText('reportRepair')} onHome={onHome}>
        <form className="kiosk-form" onSubmit={next}>
          <KioskField
            id="kiosk-room"
            label={kioskText('room')}
            value={room}
            onChange={setRoom}
            maxLength={32}
            autoFocus
          />
          <KioskField
            id="kiosk-last4"
            label={kioskText('last4')}
            value={last4}
            onChange={setLast4}
            digits
            maxLength={4}
          />
          <BigButton type="submit" text={kioskText('next')} disabled={!ready} className="kiosk-primary" />
        </form>
      </KioskScreen>
    );
  }

  if (step === 'what') {
    return (
      <KioskScreen title={kioskText('chooseCategory')} onHome={onHome}>
        <div className="kiosk-pictograms">
          {REPAIR_CATEGORIES.map(({ category: c, label }) => (
            <BigButton
              key={c}
              text={label}
              icon={<CategoryIcon category={c} />}
              className="kiosk-pictogram"
              onClick={() => {
                setCategory(c);
                setStep('words');
              }}
            />
          ))}
        </div>
        <BigButton text={kioskText('back')} onClick={() => setStep('who')} />
      </KioskScreen>
    );
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!category) return;
    void run({ room, last4, category, description: description.trim() || undefined });
  };
  return (
    <KioskScreen title={kioskText('reportRepair')} onHome={onHome}>
      <form className="kiosk-form" onSubmit={submit}>
        <KioskField
          id="kiosk-description"
          label={kioskText('description')}
          value={description}
          onChange={setDescription}
          maxLength={500}
          multiline
          autoFocus
        />
        <div className="kiosk-row">
          <BigButton text={kioskText('back')} onClick={() => setStep('what')} />
          <BigButton
            type="submit"
            text={status.state === 'busy' ? kioskText('working') : kioskText('submit')}
            disabled={status.state === 'busy'}
            className="kiosk-primary"
          />
        </div>
        {status.state === 'failed' && <KioskError error={status.error} />}
      </form>
    </KioskScreen>
  );
}
