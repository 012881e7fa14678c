/**
 * `c`: a small internal-note box. Ctrl+Enter saves, Esc discards (both from the binding table's `note` scope) —
 * after asking, when something was typed.
 */
import { useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { bindingsInScope } from './bindings';
import { useDiscardGuard } from './DiscardConfirm';
import { stepFromEvent } from './keys';
import { createSequenceMatcher } from './matcher';
import { ModalDialog } from './ModalDialog';

const noteKeys = createSequenceMatcher(bindingsInScope('note'));

export function NoteBox({
  what,
  onSave,
  onClose,
}: {
  what: string;
  /** Resolves when saved; rejects with the reason shown in the box (the text is kept). */
  onSave: (body: string) => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [body, setBody] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const guard = useDiscardGuard(body.trim() !== '', onClose);

  async function save() {
    const text = body.trim();
    if (!text || saving) return;
    setSaving(true);
    setError(null);
    try {
      await onSave(text);
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setSaving(false);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.nativeEvent.isComposing) return; // an IME is still composing Chinese text
    const step = stepFromEvent(event);
    if (!step) return;
    const result = noteKeys.feed(step, event.timeStamp, { inText: true });
    if (result.kind !== 'match') return;
    event.preventDefault();
    event.stopPropagation();
    if (result.binding.action === 'note.save') void save();
    else if (result.binding.action === 'note.cancel') guard.requestClose();
  }

  return (
    <ModalDialog title={t('triage.note.title', { what })} className="kb-note" onClose={onClose} guard={guard}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <label htmlFor="kb-note-body">{t('triage.note.label')}</label>
        <textarea
          id="kb-note-body"
          rows={4}
          autoFocus
          value={body}
          aria-describedby="kb-note-hint"
          onChange={(event) => setBody(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <p id="kb-note-hint" className="kb-muted">
          {t('triage.note.hint')}
        </p>
        {error && (
          <p className="inline-error" role="alert">
            {error}
          </p>
        )}
        <div className="kb-dialog-footer">
          <button type="button" onClick={guard.requestClose}>
            {t('triage.note.cancel')}
          </button>
          <button type="submit" className="primary" disabled={saving || body.trim() === ''}>
            {saving ? t('triage.note.saving') : t('triage.note.save')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
