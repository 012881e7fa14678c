/**
 * Mount once in the signed-in console: registers the `ticket.stepForm` action ({ticketId, status}) with the
 * keyboard registry and shows the step form when anything asks for it (openStepForm). Focus goes back where it
 * was when the form closes.
 */
import type { User } from '../../../../../common/domain';
import { useReturnFocus } from '../useReturnFocus';
import { useAction } from '../keyboard/registry';
import { StepFormDialog } from './StepFormDialog';
import { closeStepForm, openStepFormRequest, useStepFormRequest } from './stepFormStore';

export const STEP_FORM_ACTION = 'ticket.stepForm';

export function StepFormHost({ user }: { user: User }) {
  const request = useStepFormRequest();
  useAction(STEP_FORM_ACTION, openStepFormRequest);

  const open = request !== null;
  useReturnFocus(open);

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
