/**
 * What an agent can do to the open ticket now: move it to a next status allowed by its workflow, take it,
 * or add a note. The host may still refuse (e.g. a stale status); its reason is shown inline.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Ticket, TicketStatus, User } from '../../../../common/domain';
import { isOpen, nextStatuses, validateTransition } from '../../../../common/workflows';
import { deskErrorMessage } from '../../api/errors';
import { useAssign, useComment, useSetStatus } from '../../api/queries';
import { useLabels } from '../../i18n/labels';

export function TicketActions({ ticket, user }: { ticket: Ticket; user: User }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const setStatus = useSetStatus();
  const assign = useAssign();
  const comment = useComment();
  const options = nextStatuses(ticket.type, ticket.status);
  // Steps whose SOP asks for a record (photos, a reply, the follow-up…) cannot be taken from this plain
  // select: they are shown, disabled, until the SOP card collects those outputs.
  const needsRecord = (status: TicketStatus) => {
    const check = validateTransition(ticket, status);
    return !check.ok && check.code === 'missing_outputs';
  };
  const selectable = options.filter((status) => !needsRecord(status));
  const [nextStatus, setNextStatus] = useState<TicketStatus | ''>(selectable[0] ?? '');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const busy = setStatus.isPending || assign.isPending || comment.isPending;
  const onError = (err: unknown) => setError(deskErrorMessage(err));

  function submitStatus(event: FormEvent) {
    event.preventDefault();
    if (!nextStatus || busy) return;
    setError(null);
    setStatus.mutate({ id: ticket.id, status: nextStatus }, { onError });
  }

  function assignToMe() {
    setError(null);
    assign.mutate({ id: ticket.id, assigneeId: user.id }, { onError });
  }

  function submitNote(event: FormEvent) {
    event.preventDefault();
    const body = note.trim();
    if (!body || busy) return;
    setError(null);
    comment.mutate({ id: ticket.id, body }, { onError, onSuccess: () => setNote('') });
  }

  return (
    <div className="detail-actions" aria-busy={busy}>
      <h3 className="detail-subheading">{t('detail.actions')}</h3>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      <div className="action-row">
        <form className="status-form" onSubmit={submitStatus}>
          <label htmlFor="next-status">{t('actions.nextStatus')}</label>
          <select
            id="next-status"
            value={nextStatus}
            disabled={options.length === 0}
            onChange={(e) => setNextStatus(e.target.value as TicketStatus)}
          >
            {options.length === 0 && <option value="">{t('actions.noNextStatus')}</option>}
            {/* Every next step needs a record: without this line the select would show nothing at all (no option
                it may select), which read as an empty dropdown. */}
            {options.length > 0 && selectable.length === 0 && <option value="">{t('actions.recordFirst')}</option>}
            {options.map((status) => (
              <option key={status} value={status} disabled={needsRecord(status)}>
                {labels.status(ticket.type, status)}
                {needsRecord(status) ? t('actions.needsRecord') : ''}
              </option>
            ))}
          </select>
          <button type="submit" className="primary" disabled={busy || !nextStatus}>
            {t('actions.updateStatus')}
          </button>
        </form>
        <button
          type="button"
          disabled={busy || ticket.assigneeId === user.id || !isOpen(ticket.status)}
          onClick={assignToMe}
        >
          {t('actions.assignToMe')}
        </button>
      </div>
      <form className="note-form" onSubmit={submitNote}>
        <label htmlFor="ticket-note">{t('actions.note')}</label>
        <textarea
          id="ticket-note"
          rows={3}
          value={note}
          placeholder={t('actions.notePlaceholder')}
          onChange={(e) => setNote(e.target.value)}
        />
        <button type="submit" disabled={busy || note.trim() === ''}>
          {t('actions.addNote')}
        </button>
      </form>
    </div>
  );
}
