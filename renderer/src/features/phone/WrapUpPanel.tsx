/**
 * After-call work (issue 10 item 7): disposition, notes and the tickets the call was about, saved with
 * `calls.wrapUp`. A non-modal form in the phone column, so the agent can still look up tickets while filling it.
 * Ctrl+Enter saves, Esc closes — after asking, when notes were typed (the binding table's `wrapup` scope).
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Call, Ticket } from '../../../../common/domain';
import { desk } from '../../api/desk';
import { deskErrorMessage } from '../../api/errors';
import { useTicket } from '../../api/queries';
import { bindingsInScope } from '../console/keyboard/bindings';
import { DiscardConfirm, useDiscardGuard } from '../console/keyboard/DiscardConfirm';
import { isTextField, stepFromEvent } from '../console/keyboard/keys';
import { createSequenceMatcher } from '../console/keyboard/matcher';
import { ticketName } from '../console/keyboard/triageContext';
import { usePhoneFormat } from '../console/phoneDisplay';
import { formatSeconds } from './format';
import { announce } from './notify';
import { useCallPop, useDispositions } from './queries';
import { useDispositionLabel } from './labels';

const wrapUpKeys = createSequenceMatcher(bindingsInScope('wrapup'));

export function WrapUpPanel({
  callId,
  onOpenTicket,
  onDone,
}: {
  callId: string;
  onOpenTicket: (ticketId: string) => void;
  onDone: () => void;
}) {
  const pop = useCallPop(callId);
  const call = pop.data?.call;
  if (!call) return null; // the call's record arrives with the pop (from the desk's cache, at once)
  return (
    <WrapUpForm
      call={call}
      caller={pop.data?.resident?.name ?? null}
      openTickets={pop.data?.openTickets ?? []}
      onOpenTicket={onOpenTicket}
      onDone={onDone}
    />
  );
}

function WrapUpForm({
  call,
  caller,
  openTickets,
  onOpenTicket,
  onDone,
}: {
  call: Call;
  caller: string | null;
  openTickets: readonly Ticket[];
  onOpenTicket: (ticketId: string) => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const titleId = useId();
  const phone = usePhoneFormat();
  const dispositions = useDispositions().data ?? [];
  const dispositionLabel = useDispositionLabel();
  const [disposition, setDisposition] = useState(call.disposition ?? '');
  const [notes, setNotes] = useState(call.notes);
  const [ticketIds, setTicketIds] = useState<readonly string[]>(call.ticketIds);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const dispositionRef = useRef<HTMLSelectElement>(null);
  const guard = useDiscardGuard(notes.trim() !== call.notes.trim(), onDone);

  // The form takes the focus unless the agent is busy in another form or dialog (a ringing call ends on its own).
  useEffect(() => {
    const active = document.activeElement;
    const busy =
      active instanceof HTMLElement &&
      active !== document.body &&
      (active.closest('dialog, [role="dialog"]') !== null || isTextField(active));
    if (!busy) dispositionRef.current?.focus();
  }, []);

  // The tickets the call is linked to, then the caller's other open tickets to tick.
  const candidates = [...new Set([...call.ticketIds, ...openTickets.map((ticket) => ticket.id)])];
  const raw = call.direction === 'inbound' ? call.from : call.to;
  const who = caller ?? (raw ? phone(raw) : t('phone.pop.withheld'));

  async function save() {
    if (saving) return;
    if (!disposition) {
      setError(t('phone.wrapUp.needDisposition'));
      dispositionRef.current?.focus();
      return;
    }
    setSaving(true);
    setError(null);
    try {
      await desk.calls.wrapUp({ id: call.id, disposition, notes, ticketIds: [...ticketIds] });
      announce(t('phone.notice.wrapUpSaved'));
      onDone();
    } catch (err) {
      setError(t('phone.wrapUp.failed', { message: deskErrorMessage(err) }));
      setSaving(false);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLElement>) {
    if (event.nativeEvent.isComposing) return;
    const step = stepFromEvent(event);
    if (!step) return;
    const result = wrapUpKeys.feed(step, event.timeStamp, { inText: true });
    if (result.kind !== 'match') return;
    // While "Discard what you typed?" shows, only Esc counts: it goes back to the form.
    if (guard.asking && result.binding.action !== 'wrapup.cancel') return;
    event.preventDefault();
    event.stopPropagation();
    if (result.binding.action === 'wrapup.save') void save();
    else guard.escape();
  }

  const toggle = (id: string) =>
    setTicketIds((ids) => (ids.includes(id) ? ids.filter((other) => other !== id) : [...ids, id]));

  return (
    <section className="wrap-up" role="dialog" aria-modal="false" aria-labelledby={titleId} onKeyDown={onKeyDown}>
      <h2 id={titleId} className="wrap-up-title">
        {t('phone.wrapUp.title', { caller: who })}
      </h2>
      <div className="wrap-up-form" inert={guard.asking}>
        {call.talkingSeconds !== null && (
          <p className="pop-muted">{t('phone.wrapUp.talked', { time: formatSeconds(call.talkingSeconds) })}</p>
        )}
        <label className="wrap-up-field">
          <span>{t('phone.wrapUp.disposition')}</span>
          <select ref={dispositionRef} value={disposition} onChange={(e) => setDisposition(e.target.value)}>
            <option value="">{t('phone.wrapUp.choose')}</option>
            {dispositions.map((code) => (
              <option key={code} value={code}>
                {dispositionLabel(code)}
              </option>
            ))}
          </select>
        </label>
        <label className="wrap-up-field">
          <span>{t('phone.wrapUp.notes')}</span>
          <textarea
            rows={3}
            maxLength={5000}
            placeholder={t('phone.wrapUp.notesHint')}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
          />
        </label>
        <fieldset className="wrap-up-tickets">
          <legend>{t('phone.wrapUp.tickets')}</legend>
          {candidates.length === 0 && <p className="pop-muted">{t('phone.wrapUp.noTickets')}</p>}
          {candidates.map((id) => (
            <TicketCheck
              key={id}
              id={id}
              known={openTickets.find((ticket) => ticket.id === id)}
              checked={ticketIds.includes(id)}
              onToggle={() => toggle(id)}
              onOpen={() => onOpenTicket(id)}
            />
          ))}
        </fieldset>
        {error && (
          <p className="inline-error" role="alert">
            {error}
          </p>
        )}
        <div className="wrap-up-buttons">
          <button type="button" className="primary" disabled={saving} onClick={() => void save()}>
            {saving ? t('phone.wrapUp.saving') : t('phone.wrapUp.save')}
          </button>
          <button type="button" onClick={guard.requestClose}>
            {t('phone.wrapUp.close')}
          </button>
        </div>
      </div>
      {guard.asking && <DiscardConfirm guard={guard} />}
    </section>
  );
}

/** One ticket to link: named by its code (fetched when the pop does not list it, e.g. just created). */
function TicketCheck({
  id,
  known,
  checked,
  onToggle,
  onOpen,
}: {
  id: string;
  known: Ticket | undefined;
  checked: boolean;
  onToggle: () => void;
  onOpen: () => void;
}) {
  const { t } = useTranslation();
  const fetched = useTicket(known ? null : id).data?.ticket;
  const ticket = known ?? fetched;
  const name = ticket ? ticketName(ticket) : id.slice(0, 8);
  return (
    <div className="wrap-up-ticket">
      <label>
        <input type="checkbox" checked={checked} onChange={onToggle} /> {name}
        {ticket && <span className="pop-muted"> {ticket.title}</span>}
      </label>
      <button type="button" className="link-button" onClick={onOpen}>
        {t('phone.calls.openTicket', { what: name })}
      </button>
    </div>
  );
}
