/**
 * A labelled dialog (native <dialog>): focus moves in, Esc closes, and focus goes back to where it was —
 * the list row, usually — when it closes. Every overlay of the keyboard layer uses it. Key presses inside a
 * dialog never reach the console's single-key bindings (see useConsoleKeys).
 *
 * Forms are modal (showModal: the page behind is inert). The menus an agent opens and closes with one key — the
 * step menu, the assignee picker, the palette, the key help — are `popup`s instead: shown without making the
 * page inert, and closed by Esc or by focus leaving them. Making the page inert restyles every element of it
 * (the 100k-ticket console has a long list), which cost 10–20 ms of each `s` press on a 2-core machine. A popup
 * opened while a modal dialog is open (Ctrl+K from the search or a form) is shown modal instead, above it in the
 * top layer: a non-modal one would sit behind it, inert.
 *
 * Focus goes to the first field or button, or, with `initialFocus="dialog"` (a page to read, such as the key
 * help), to the dialog itself, which keeps it scrolled to the top with its title in view; Tab then reaches the
 * buttons and Esc closes it as ever.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { DiscardConfirm, isDialogEscape, type DiscardGuard } from './DiscardConfirm';

export function ModalDialog({
  title,
  className,
  popup = false,
  initialFocus = 'field',
  onClose,
  guard,
  children,
}: {
  title: ReactNode;
  className?: string;
  /** A menu: non-modal, closed by Esc or when focus leaves it. */
  popup?: boolean;
  /** `field`: the first input or button; `dialog`: the dialog itself, scrolled to the top. */
  initialFocus?: 'field' | 'dialog';
  onClose: () => void;
  /**
   * A form with typed text (useDiscardGuard): Esc asks "Discard what you typed?" instead of closing, and the
   * question shows in the dialog while the form behind it is inert.
   */
  guard?: DiscardGuard;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) {
      if (popup && !document.querySelector('dialog:modal, [aria-modal="true"]')) dialog.show();
      else dialog.showModal();
    }
    if (initialFocus === 'dialog') {
      dialog?.focus({ preventScroll: true });
      if (dialog) dialog.scrollTop = 0;
    } else {
      // Chromium focuses the <dialog> itself when nothing inside has the autofocus attribute (React's autoFocus
      // only calls focus() before showModal): put the agent in the first field, so typing filters at once.
      dialog?.querySelector<HTMLElement>('input, textarea, select, button')?.focus();
    }
    return () => {
      dialog?.close();
      // The list may have re-rendered meanwhile; only go back if the element is still on the page.
      if (returnTo?.isConnected) returnTo.focus();
    };
    // Mount-only: a dialog never changes between modal and popup while open.
  }, []);

  return (
    <dialog
      ref={ref}
      className={['kb-dialog', popup && 'kb-dialog-popup', className].filter(Boolean).join(' ')}
      aria-labelledby={titleId}
      tabIndex={initialFocus === 'dialog' ? -1 : undefined}
      onCancel={(event) => {
        event.preventDefault();
        if (guard) guard.escape();
        else onClose();
      }}
      // A non-modal dialog gets no `cancel` event from Esc: close it here. A guarded form takes its Esc here too:
      // Chromium's cancel event stops being cancelable when Esc is pressed again without other input in between
      // (close watchers), so Esc on the question would close the form instead of going back to it.
      onKeyDown={(event) => {
        if ((!popup && !guard) || !isDialogEscape(event)) return;
        event.preventDefault();
        if (guard) guard.escape();
        else onClose();
      }}
      onBlur={(event) => {
        if (!popup) return;
        const next = event.relatedTarget;
        // Focus moved to the page (a click or Tab out): the menu is done. Null when the window lost focus.
        if (next instanceof Node && !event.currentTarget.contains(next)) onClose();
      }}
    >
      <h2 id={titleId} className="kb-dialog-title">
        {title}
      </h2>
      {guard ? (
        <>
          <div className="kb-dialog-form" inert={guard.asking}>
            {children}
          </div>
          {guard.asking && <DiscardConfirm guard={guard} />}
        </>
      ) : (
        children
      )}
    </dialog>
  );
}
