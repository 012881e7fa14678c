/**
 * The step form: collects exactly the outputs the chosen transition requires (common/workflows), checks them
 * with the shared schema and engine before sending, then moves the ticket with tickets.setStatus. The host's
 * optimistic run may still refuse (e.g. someone moved the ticket meanwhile); its reason is shown here, and a
 * later server rejection appears in the sync bar's rejected changes. Esc or Cancel with something typed or chosen
 * asks first; "Discard" then also forgets the draft.
 */
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Ticket, TicketStatus, User } from '../../../../../common/domain';
import { findTransition, type OutputKey } from '../../../../../common/workflows';
import { deskErrorCode, deskErrorMessage } from '../../../api/errors';
import { useSetStatus, useTicket } from '../../../api/queries';
import { useLabels } from '../../../i18n/labels';
import { textIn } from '../keyboard/bindings';
import { DiscardConfirm, isDialogEscape, useDiscardGuard } from '../keyboard/DiscardConfirm';
import { judge } from '../keyboard/ops';
import { useDirectory } from '../useDirectory';
import { OutputFields } from './OutputFields';
import { checkStepForm, draftTouched, type FieldProblem } from './stepDraft';
import { clearStepDraft, setStepDraft, useStepDraft } from './stepFormStore';

interface Props {
  ticketId: string;
  status: TicketStatus;
  user: User;
  onClose: () => void;
}

export function StepFormDialog({ ticketId, status, user, onClose }: Props) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const detail = useTicket(ticketId);
  const guard = useDiscardGuard(draftTouched(useStepDraft(ticketId)), () => {
    clearStepDraft(ticketId);
    onClose();
  });

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  let body;
  if (detail.isPending) body = <p>{t('stepForm.loading')}</p>;
  else if (detail.isError || !detail.data) body = <p role="alert">{t('stepForm.notFound')}</p>;
  else
    body = (
      <StepForm
        ticket={detail.data.ticket}
        status={status}
        user={user}
        onDone={onClose}
        onCancel={guard.requestClose}
      />
    );

  return (
    <dialog
      ref={ref}
      className="step-form-dialog"
      aria-labelledby="step-form-title"
      onCancel={(e) => {
        e.preventDefault();
        guard.escape();
      }}
      // Esc is taken on keydown: a second Esc (on the question) would otherwise get a cancel event Chromium no
      // longer lets us cancel (close watchers), closing the form instead of going back to it.
      onKeyDown={(e) => {
        if (!isDialogEscape(e)) return;
        e.preventDefault();
        guard.escape();
      }}
    >
      <div className="step-form-content" inert={guard.asking}>
        {body}
        {!detail.data && (
          <div className="step-form-buttons">
            <button type="button" onClick={guard.requestClose}>
              {t('stepForm.cancel')}
            </button>
          </div>
        )}
      </div>
      {guard.asking && <DiscardConfirm guard={guard} />}
    </dialog>
  );
}

function StepForm({
  ticket,
  status,
  user,
  onDone,
  onCancel,
}: {
  ticket: Ticket;
  status: TicketStatus;
  user: User;
  /** After a successful submit. */
  onDone: () => void;
  /** Cancel: asks first when something was typed. */
  onCancel: () => void;
}) {
  const { t, i18n } = useTranslation();
  const labels = useLabels();
  const directory = useDirectory();
  const setStatus = useSetStatus();
  const draft = useStepDraft(ticket.id);
  const [problems, setProblems] = useState<Partial<Record<OutputKey, FieldProblem>>>({});
  const [error, setError] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const requires = findTransition(ticket.type, ticket.status, status)?.requires ?? [];
  // The ticket rules (common/ticket-access): who may, and whether the change needs a reason (cancelling does).
  const access = judge(user, ticket, { kind: 'status', status });
  const reasonRequired = access.ok && access.reasonRequired;
  const fields: readonly OutputKey[] =
    reasonRequired && !requires.includes('reason') ? [...requires, 'reason'] : requires;
  const check = checkStepForm(ticket, status, draft, user.role, reasonRequired);
  const reopenLabel = labels.status(ticket.type, 'reopened');
  const team = directory.team(ticket.teamId);
  const english = i18n.language === 'en';

  function submit(event?: FormEvent) {
    event?.preventDefault();
    if (setStatus.isPending) return;
    setError(null);
    if (!access.ok) {
      setError(textIn(access.message, i18n.language));
      return;
    }
    if (!check.ok) {
      setProblems(check.fields);
      if (check.message) setError(english ? check.message.en : check.message.zh);
      return;
    }
    setProblems({});
    setStatus.mutate(
      {
        id: ticket.id,
        status,
        note: check.note,
        outputs: requires.length > 0 ? check.outputs : undefined,
        reason: check.reason,
      },
      {
        onSuccess: () => {
          clearStepDraft(ticket.id);
          onDone();
        },
        onError: (err) => {
          const code = deskErrorCode(err);
          const known = code && i18n.exists(`sync.reason.${code}`) ? t(`sync.reason.${code}` as never) : null;
          setError(
            t('stepForm.rejected', { reason: known ? `${known}（${deskErrorMessage(err)}）` : deskErrorMessage(err) }),
          );
        },
      },
    );
  }

  // Ctrl+Enter submits from anywhere in the form (plain Enter in a textarea is a new line); 1–5 score the
  // follow-up unless the agent is typing text.
  function onKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
      return;
    }
    const score = Number(event.key);
    if (
      requires.includes('followUp') &&
      /^[1-5]$/.test(event.key) &&
      !event.ctrlKey &&
      !event.altKey &&
      !event.metaKey &&
      !isTextEntry(event.target)
    ) {
      event.preventDefault();
      setStepDraft(ticket.id, { ...draft, followUpReached: true, satisfaction: score });
    }
  }

  const from = labels.status(ticket.type, ticket.status);
  const to = labels.status(ticket.type, status);
  return (
    <form ref={formRef} className="step-form" onSubmit={submit} onKeyDown={onKeyDown} noValidate>
      <h2 id="step-form-title">{t('stepForm.title', { from, to })}</h2>
      <p className="step-form-ticket">
        {ticket.code ?? t('list.pendingCode')} · {ticket.title}
      </p>
      <OutputFields
        requires={fields}
        draft={draft}
        problems={problems}
        user={user}
        onChange={(next) => setStepDraft(ticket.id, next)}
        reopenNotice={
          check.ok && check.reopens
            ? t('stepForm.followUp.reopens', {
                status: reopenLabel,
                team: team ? labels.team(team) : (ticket.teamId ?? t('sop.unassigned')),
              })
            : null
        }
      />
      {!fields.includes('reason') && (
        <label className="step-field">
          <span>{t('stepForm.note')}</span>
          <textarea
            rows={2}
            value={draft.note}
            maxLength={2000}
            autoFocus={requires.length === 0}
            onChange={(e) => setStepDraft(ticket.id, { ...draft, note: e.target.value })}
          />
        </label>
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      <p className="step-form-hint">{t('stepForm.shortcut')}</p>
      <div className="step-form-buttons">
        <button type="button" onClick={onCancel}>
          {t('stepForm.cancel')}
        </button>
        <button type="submit" className="primary" disabled={setStatus.isPending}>
          {setStatus.isPending
            ? t('stepForm.busy')
            : check.ok && check.reopens
              ? t('stepForm.submitReopen', { status: reopenLabel })
              : t('stepForm.submit')}
        </button>
      </div>
    </form>
  );
}

function isTextEntry(target: EventTarget): boolean {
  if (target instanceof HTMLTextAreaElement) return true;
  if (!(target instanceof HTMLInputElement)) return false;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'file'].includes(target.type);
}
