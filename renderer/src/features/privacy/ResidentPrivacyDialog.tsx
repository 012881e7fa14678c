/**
 * A resident's PIPL requests, for admins: find the resident in the desk's directory (unit, phone or name), then
 * export everything the server holds about them as a JSON file, or erase them after confirming with a reason. Both
 * go to the server at once (online only) and are audited there.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryResident } from '../../../../common/residents/directory';
import { desk } from '../../api/desk';
import { useDebounced } from '../../hooks/useDebounced';
import { ModalDialog } from '../console/keyboard/ModalDialog';
import { exportFileName, saveJsonFile } from './download';
import { privacyErrorText } from './errors';

const SEARCH_DELAY_MS = 150;

/** Each step puts the admin where they type next (the dialog itself focuses only its first field, once). */
function useFocusOnMount(ref: RefObject<HTMLInputElement | HTMLTextAreaElement | null>): void {
  useEffect(() => ref.current?.focus(), [ref]);
}

type Step = { kind: 'choose' } | { kind: 'erase'; resident: DirectoryResident };

export function ResidentPrivacyDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [notice, setNotice] = useState<{ text: string; alert: boolean } | null>(null);
  const title =
    step.kind === 'erase'
      ? t('privacy.resident.eraseTitle', { name: step.resident.name })
      : t('privacy.resident.title');
  return (
    <ModalDialog title={title} className="resident-privacy" onClose={onClose}>
      {step.kind === 'choose' ? (
        <ChooseResident
          onNotice={setNotice}
          onErase={(resident) => {
            setNotice(null);
            setStep({ kind: 'erase', resident });
          }}
        />
      ) : (
        <EraseForm
          resident={step.resident}
          onDone={(text) => {
            setNotice({ text, alert: false });
            setStep({ kind: 'choose' });
          }}
          onBack={() => setStep({ kind: 'choose' })}
        />
      )}
      {notice && (
        <p className={notice.alert ? 'inline-error' : 'privacy-notice'} role={notice.alert ? 'alert' : 'status'}>
          {notice.text}
        </p>
      )}
      {step.kind === 'choose' && (
        <div className="kb-dialog-footer">
          <button type="button" onClick={onClose}>
            {t('privacy.resident.close')}
          </button>
        </div>
      )}
    </ModalDialog>
  );
}

function ChooseResident({
  onNotice,
  onErase,
}: {
  onNotice: (notice: { text: string; alert: boolean } | null) => void;
  onErase: (resident: DirectoryResident) => void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  useFocusOnMount(searchRef);
  const q = useDebounced(text.trim(), SEARCH_DELAY_MS);
  const lookup = useQuery({
    queryKey: ['privacy', 'residents', q],
    queryFn: () => desk.residents.lookup({ q }),
    enabled: q.length > 0,
  });
  const residents = lookup.data?.items.map((match) => match.resident) ?? [];

  async function exportData(resident: DirectoryResident) {
    setBusy(resident.id);
    onNotice(null);
    try {
      const data = await desk.residents.export({ id: resident.id });
      const file = exportFileName(resident.id, data.exportedAt);
      saveJsonFile(file, data);
      const counts = { tickets: data.tickets.length, calls: data.calls.length };
      onNotice({ text: t('privacy.resident.exported', { file, ...counts }), alert: false });
    } catch (err) {
      onNotice({ text: privacyErrorText(err, t), alert: true });
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <label className="privacy-field">
        <span>{t('privacy.resident.search')}</span>
        <input ref={searchRef} value={text} maxLength={100} onChange={(e) => setText(e.target.value)} />
      </label>
      {lookup.data?.directoryEmpty && <p className="pop-muted">{t('privacy.resident.directoryEmpty')}</p>}
      {q && lookup.data && residents.length === 0 && !lookup.data.directoryEmpty && (
        <p className="pop-muted">{t('privacy.resident.noMatch')}</p>
      )}
      {residents.length > 0 && (
        <ul className="privacy-residents" aria-label={t('privacy.resident.results')}>
          {residents.map((resident) => (
            <li key={resident.id}>
              <span className="privacy-resident-name">{resident.name}</span>
              <span className="pop-muted">
                {resident.units.map((u) => u.code).join('、') || t('privacy.resident.noUnit')}
              </span>
              <button type="button" disabled={busy !== null} onClick={() => void exportData(resident)}>
                {busy === resident.id ? t('privacy.resident.exporting') : t('privacy.resident.export')}
              </button>
              <button type="button" className="danger" disabled={busy !== null} onClick={() => onErase(resident)}>
                {t('privacy.resident.erase')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function EraseForm({
  resident,
  onDone,
  onBack,
}: {
  resident: DirectoryResident;
  onDone: (text: string) => void;
  onBack: () => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  useFocusOnMount(reasonRef);

  async function erase(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await desk.residents.erase({ id: resident.id, reason: reason.trim() });
      onDone(t('privacy.resident.erased', { tickets: result.tickets, calls: result.calls }));
    } catch (err) {
      setError(privacyErrorText(err, t));
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void erase(e)}>
      <p className="privacy-warning">{t('privacy.resident.eraseWarning')}</p>
      <label className="privacy-field">
        <span>{t('privacy.resident.reason')}</span>
        <textarea
          ref={reasonRef}
          value={reason}
          maxLength={500}
          rows={2}
          required
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      <div className="kb-dialog-footer">
        <button type="submit" className="danger" disabled={busy || reason.trim() === ''}>
          {busy ? t('privacy.resident.erasing') : t('privacy.resident.confirm')}
        </button>
        <button type="button" onClick={onBack} disabled={busy}>
          {t('privacy.resident.back')}
        </button>
      </div>
    </form>
  );
}
