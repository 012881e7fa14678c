/**
 * What an agent can do to the open ticket now: move it to a next status allowed by its workflow, take it,
 * or add a note. What the shared ticket rules refuse is said inline at once, and a change that needs a reason
 * (cancelling, taking a ticket someone else holds) asks for it first. The host may still refuse (e.g. a stale
 * status); its reason is shown inline.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Ticket, TicketStatus, User } from '../../../../common/domain';
import { isOpen, nextStatuses, validateTransition } from '../../../../common/workflows';
import { deskErrorMessage } from '../../api/errors';
import { useAssign, useComment, useSetStatus } from '../../api/queries';
import { useLabels } from '../../i18n/labels';
import { judge, reasonQuestion, refusal, type Op } from './keyboard/ops';
import { ReasonDialog } from './keyboard/ReasonDialog';

export function TicketActions({ ticket, user }: { ticket: Ticket; user: User }) {
  const { t, i18n } = useTranslation();
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
  /** The change waiting for its reason (the reason dialog is open). */
  const [asking, setAsking] = useState<Op | null>(null);
  const busy = setStatus.isPending || assign.isPending || comment.isPending;
  const onError = (err: unknown) => setError(deskErrorMessage(err));

  function run(op: Op, reason?: string): Promise<unknown> {
    if (op.kind === 'status') return setStatus.mutateAsync({ id: ticket.id, status: op.status, reason });
    if (op.kind === 'assign') return assign.mutateAsync({ id: ticket.id, assigneeId: op.user?.id ?? null, reason });
    throw new Error('the detail pane changes no priority');
  }

  /** The rules' refusal inline, the reason dialog when one is needed, else the change. */
  function start(op: Op) {
    setError(null);
    const check = judge(user, ticket, op);
    if (!check.ok) {
      setError(refusal(user, ticket, op, i18n.language));
      return;
    }
    if (check.reasonRequired) {
      setAsking(op);
      return;
    }
    run(op).catch(onError);
  }

  function submitStatus(event: FormEvent) {
    event.preventDefault();
    if (!nextStatus || busy) return;
    start({ kind: 'status', status: nextStatus });
  }

  function assignToMe() {
    start({ kind: 'assign', user });
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
      {asking && (
        <ReasonDialog
          what={ticket.code ?? ticket.title}
          question={reasonQuestion(asking)}
          onClose={() => setAsking(null)}
          onSubmit={async (reason) => {
            try {
              await run(asking, reason);
            } catch (err) {
              throw new Error(deskErrorMessage(err), { cause: err });
            }
          }}
        />
      )}
    </div>
  );
}
