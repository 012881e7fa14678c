/**
 * Mounts the intake screen and registers the `intake.open` action (bound to `n` by the keyboard table;
 * the argument may be a prefill `{phone, callId}` from an active call). `openIntake()` opens it from code.
 */
import { useAction } from '../console/keyboard/registry';
import { IntakeDialog } from './IntakeDialog';
import { closeIntake, openIntake, useIntakeState } from './intakeStore';
import './intake.css';

export const INTAKE_ACTION = 'intake.open';

export function IntakeHost({ onOpenTicket }: { onOpenTicket: (ticketId: string) => void }) {
  const state = useIntakeState();
  useAction(INTAKE_ACTION, (arg) => openIntake(arg));
  if (!state.open) return null;
  return <IntakeDialog key={state.session} prefill={state.prefill} onClose={closeIntake} onOpenTicket={onOpenTicket} />;
}
