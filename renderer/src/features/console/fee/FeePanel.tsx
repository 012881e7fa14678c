/**
 * Fee reminders (催缴) in a fee ticket's detail: the lawful actions only — log a reminder call, message or
 * letter; record the promised payment date; escalate to finance or legal. A reminder moves a new (or promised)
 * ticket to `contacted` with the method as its output; on later reminders it is a work-log note with a
 * structured prefix. The other two open the step form, which collects the date or the target.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Ticket } from '../../../../../common/domain';
import { FEE_CONTACT_METHODS } from '../../../../../common/workflows';
import { deskErrorMessage } from '../../../api/errors';
import { useComment, useSetStatus } from '../../../api/queries';
import { openStepForm } from '../sop/stepFormStore';
import { feeActionAvailability, reminderComment, type FeeContactMethod } from './feeActions';
import './fee.css';

export function FeePanel({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const setStatus = useSetStatus();
  const comment = useComment();
  const [method, setMethod] = useState<FeeContactMethod>('call');
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  if (ticket.type !== 'fee') return null;
  const available = feeActionAvailability(ticket);
  const busy = setStatus.isPending || comment.isPending;

  function logReminder(event: FormEvent) {
    event.preventDefault();
    const record = available.remind;
    if (!record || busy) return;
    setMessage(null);
    const done = {
      onSuccess: () => {
        setNote('');
        setMessage({ error: false, text: t('feeReminder.logged') });
      },
      onError: (err: unknown) =>
        setMessage({ error: true, text: t('feeReminder.failed', { reason: deskErrorMessage(err) }) }),
    };
    if (record.kind === 'transition') {
      setStatus.mutate({ id: ticket.id, status: record.status, note: note.trim(), outputs: { contact: method } }, done);
    } else {
      comment.mutate({ id: ticket.id, body: reminderComment(method, note) }, done);
    }
  }

  return (
    <section className="fee-panel" aria-labelledby="fee-panel-title">
      <h3 id="fee-panel-title" className="detail-subheading">
        {t('feeReminder.title')}
      </h3>
      <p className="fee-lawful">{t('feeReminder.lawful')}</p>
      {available.remind ? (
        <form className="fee-remind" onSubmit={logReminder}>
          <fieldset className="fee-methods">
            <legend>{t('feeReminder.method')}</legend>
            {FEE_CONTACT_METHODS.map((m) => (
              <label key={m}>
                <input type="radio" name="fee-method" value={m} checked={method === m} onChange={() => setMethod(m)} />
                {t(`feeReminder.methods.${m}`)}
              </label>
            ))}
          </fieldset>
          <label className="fee-note">
            <span>{t('feeReminder.note')}</span>
            <input
              type="text"
              value={note}
              maxLength={1900}
              placeholder={t('feeReminder.notePlaceholder')}
              onChange={(e) => setNote(e.target.value)}
            />
          </label>
          <button type="submit" disabled={busy}>
            {t('feeReminder.logReminder')}
          </button>
        </form>
      ) : (
        <p className="sop-muted">{t('feeReminder.nothingToRemind')}</p>
      )}
      <div className="fee-buttons">
        <button
          type="button"
          disabled={!available.promise}
          title={available.promise ? undefined : t('feeReminder.notNow')}
          onClick={() => openStepForm(ticket.id, 'promised')}
        >
          {t('feeReminder.promise')}
        </button>
        <button
          type="button"
          disabled={!available.escalate}
          title={available.escalate ? undefined : t('feeReminder.notNow')}
          onClick={() => openStepForm(ticket.id, 'escalated')}
        >
          {t('feeReminder.escalate')}
        </button>
      </div>
      {message && (
        <p className={message.error ? 'inline-error' : 'fee-ok'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
