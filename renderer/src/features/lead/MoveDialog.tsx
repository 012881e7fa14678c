/**
 * Where to, and why: the agent (a labelled select, desk staff with their load) and the reason, required for a
 * bulk or queue move and for a ticket someone else holds (common/ticket-access). Enter confirms, Esc closes.
 */
import { useState } from 'react';
import type { AgentCard } from '../../../../common/lead/board';
import { REASON_MAX } from '../../../../common/ticket-access';
import { deskErrorMessage } from '../../api/errors';
import type { LeadT } from '../../i18n/lead';
import { ModalDialog } from '../console/keyboard/ModalDialog';

const UNASSIGN = '';

export function MoveDialog({
  what,
  agents,
  initialAgentId,
  reasonRequired,
  onSubmit,
  onClose,
  t,
}: {
  what: string;
  agents: readonly AgentCard[];
  initialAgentId: string | null;
  reasonRequired: boolean;
  onSubmit(assigneeId: string | null, name: string, reason: string): Promise<void>;
  onClose(): void;
  t: LeadT;
}) {
  const [agentId, setAgentId] = useState<string | null>(initialAgentId);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit() {
    if (saving) return;
    if (reasonRequired && !reason.trim()) {
      setError(t('reasonMissing'));
      return;
    }
    const name = agents.find((a) => a.userId === agentId)?.name ?? t('unassigned');
    setSaving(true);
    setError(null);
    try {
      await onSubmit(agentId, name, reason.trim());
      onClose();
    } catch (err) {
      setError(deskErrorMessage(err));
      setSaving(false);
    }
  }

  return (
    <ModalDialog title={t('moveTitle', { what })} className="lead-move" onClose={onClose}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <label htmlFor="lead-move-agent">{t('agentLabel')}</label>
        <select
          id="lead-move-agent"
          value={agentId ?? UNASSIGN}
          onChange={(event) => setAgentId(event.target.value === UNASSIGN ? null : event.target.value)}
        >
          <option value={UNASSIGN}>{t('toUnassigned')}</option>
          {agents.map((a) => (
            <option key={a.userId} value={a.userId}>
              {`${a.name} · ${t(`presence_${a.presence}`)} · ${t('load', { load: a.openLoad, capacity: a.capacity })}`}
            </option>
          ))}
        </select>
        <label htmlFor="lead-move-reason">{t('reasonLabel')}</label>
        <input
          id="lead-move-reason"
          type="text"
          maxLength={REASON_MAX}
          value={reason}
          aria-required={reasonRequired}
          aria-describedby="lead-move-hint"
          aria-invalid={error !== null}
          onChange={(event) => setReason(event.target.value)}
        />
        <p id="lead-move-hint" className="kb-muted">
          {t('reasonHint')}
        </p>
        {error && (
          <p className="inline-error" role="alert">
            {error}
          </p>
        )}
        <div className="kb-dialog-footer">
          <button type="button" onClick={onClose}>
            {t('cancel')}
          </button>
          <button type="submit" className="primary" disabled={saving}>
            {t('confirm')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
