/**
 * "Why?" (issue 11): cancelling, raising to P0/P1 and reassigning someone else's ticket need a reason, which goes
 * with the change (common/ticket-access). One line: type, Enter confirms; Esc discards (after asking, when
 * something was typed). A refusal from the desk is shown in the dialog, with the text kept.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { REASON_MAX } from '../../../../../common/ticket-access';
import { useDiscardGuard } from './DiscardConfirm';
import { ModalDialog } from './ModalDialog';
import type { ReasonQuestion } from './ops';

export function ReasonDialog({
  what,
  question,
  priority,
  onSubmit,
  onClose,
}: {
  what: string;
  question: ReasonQuestion;
  /** For `priority`: the class asked for. */
  priority?: number;
  /** Resolves when the change is made; rejects with the reason shown in the dialog. */
  onSubmit: (reason: string) => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const guard = useDiscardGuard(reason.trim() !== '', onClose);

  async function submit() {
    const text = reason.trim();
    if (saving) return;
    if (!text) {
      setError(t('triage.reason.empty'));
      return;
    }
    setSaving(true);
    setError(null);
    try {
      await onSubmit(text);
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setSaving(false);
    }
  }

  return (
    <ModalDialog title={t('triage.reason.title', { what })} className="kb-reason" onClose={onClose} guard={guard}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <p id="kb-reason-why">{t(`triage.reason.${question}`, { priority })}</p>
        <label htmlFor="kb-reason-text">{t('triage.reason.label')}</label>
        <input
          id="kb-reason-text"
          type="text"
          autoFocus
          maxLength={REASON_MAX}
          value={reason}
          aria-describedby="kb-reason-why kb-reason-hint"
          aria-invalid={error !== null}
          onChange={(event) => setReason(event.target.value)}
        />
        <p id="kb-reason-hint" className="kb-muted">
          {t('triage.reason.hint')}
        </p>
        {error && (
          <p className="inline-error" role="alert">
            {error}
          </p>
        )}
        <div className="kb-dialog-footer">
          <button type="button" onClick={guard.requestClose}>
            {t('triage.reason.dismiss')}
          </button>
          <button type="submit" className="primary" disabled={saving}>
            {saving ? t('triage.reason.saving') : t('triage.reason.confirm')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
