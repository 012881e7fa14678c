/**
 * A labelled modal (native <dialog>): focus moves in, Esc closes, and focus goes back to where it was —
 * the list row, usually — when it closes. Every overlay of the keyboard layer uses it. Key presses inside a
 * dialog never reach the console's single-key bindings (see useConsoleKeys).
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';

export function ModalDialog({
  title,
  className,
  onClose,
  children,
}: {
  title: ReactNode;
  className?: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal();
    // Chromium focuses the <dialog> itself when nothing inside has the autofocus attribute (React's autoFocus
    // only calls focus() before showModal): put the agent in the first field, so typing filters at once.
    dialog?.querySelector<HTMLElement>('input, textarea, select, button')?.focus();
    return () => {
      dialog?.close();
      // The list may have re-rendered meanwhile; only go back if the element is still on the page.
      if (returnTo?.isConnected) returnTo.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={['kb-dialog', className].filter(Boolean).join(' ')}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId} className="kb-dialog-title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}
