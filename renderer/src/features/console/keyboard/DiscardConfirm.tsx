/**
 * "Discard what you typed?" (issue 9): a form with text the agent typed never closes silently. Esc, the Cancel
 * button or anything else that would close it calls `requestClose()`: an untouched form closes at once, a dirty one
 * asks first, inside the dialog. "Keep editing" has the focus (Enter or Esc keeps, and the caret goes back where
 * it was); "Discard" closes. While it asks, the form behind is inert, so Tab stays on the two buttons and no
 * shortcut of the form (Ctrl+Enter) fires.
 *
 * ModalDialog takes the guard (`guard` prop) and renders the question; a dialog of its own (the step form) renders
 * <DiscardConfirm> and routes its Esc the same way.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './discard.css';

export interface DiscardGuard {
  /** The question is showing. */
  asking: boolean;
  /** Close if nothing was typed, else ask. */
  requestClose(): void;
  /** Back to the form, focus where it was. */
  keep(): void;
  /** Close, throwing the typing away. */
  discard(): void;
  /** Esc in the dialog: ask, or, while asking, keep editing. */
  escape(): void;
}

export function useDiscardGuard(dirty: boolean, onDiscard: () => void): DiscardGuard {
  const [asking, setAsking] = useState(false);
  const returnTo = useRef<HTMLElement | null>(null);

  // Focus goes back once the form is no longer inert (the effect runs after the commit that removes `inert`).
  useEffect(() => {
    if (asking || !returnTo.current) return;
    if (returnTo.current.isConnected) returnTo.current.focus();
    returnTo.current = null;
  }, [asking]);

  function requestClose() {
    if (!dirty) {
      onDiscard();
      return;
    }
    returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setAsking(true);
  }
  const keep = () => setAsking(false);
  return {
    asking,
    requestClose,
    keep,
    discard: onDiscard,
    escape: () => (asking ? keep() : requestClose()),
  };
}

export function DiscardConfirm({ guard }: { guard: DiscardGuard }) {
  const { t } = useTranslation();
  const questionId = useId();
  const keepRef = useRef<HTMLButtonElement>(null);
  useEffect(() => keepRef.current?.focus(), []);
  return (
    <div className="discard-confirm" role="alertdialog" aria-modal="true" aria-labelledby={questionId}>
      <p id={questionId}>{t('discard.question')}</p>
      <div className="discard-confirm-buttons">
        <button ref={keepRef} type="button" className="primary" onClick={guard.keep}>
          {t('discard.keep')}
        </button>
        <button type="button" className="danger" onClick={guard.discard}>
          {t('discard.discard')}
        </button>
      </div>
    </div>
  );
}

/** An Escape keydown the dialog should act on (not one an IME used to cancel its composition). */
export function isDialogEscape(event: { key: string; defaultPrevented: boolean; nativeEvent: KeyboardEvent }) {
  return event.key === 'Escape' && !event.defaultPrevented && !event.nativeEvent.isComposing;
}
