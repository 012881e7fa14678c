/**
 * Mount once in the signed-in console: registers the `ticket.stepForm` action ({ticketId, status}) with the
 * keyboard registry and shows the step form when anything asks for it (openStepForm). Focus goes back where it
 * was when the form closes.
 */
import { useLayoutEffect, useRef } from 'react';
import type { User } from '../../../../../common/domain';
import { useAction } from '../keyboard/registry';
import { StepFormDialog } from './StepFormDialog';
import { closeStepForm, openStepFormRequest, useStepFormRequest } from './stepFormStore';

export const STEP_FORM_ACTION = 'ticket.stepForm';

export function StepFormHost({ user }: { user: User }) {
  const request = useStepFormRequest();
  const returnFocus = useRef<HTMLElement | null>(null);
  useAction(STEP_FORM_ACTION, openStepFormRequest);

  // Remember the focus before the dialog takes it (layout effect: before the dialog's own effects run).
  const open = request !== null;
  useLayoutEffect(() => {
    if (!open) return;
    returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    return () => {
      const target = returnFocus.current;
      returnFocus.current = null;
      if (target?.isConnected) target.focus();
    };
  }, [open]);

  if (!request) return null;
  return (
    <StepFormDialog
      key={`${request.ticketId}:${request.status}`}
      ticketId={request.ticketId}
      status={request.status}
      user={user}
      onClose={closeStepForm}
    />
  );
}
