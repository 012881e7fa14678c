/**
 * The escalation list and the assignment panel: on the lead board (its assignment slot) and on their own (`g q` and
 * the palette, leads and admins); anyone else has no such action, and the server decides in any case.
 */
import { useState } from 'react';
import type { Role, User } from '../../../../../common/domain';
import { useAction } from '../../console/keyboard/registry';
import { ModalDialog } from '../../console/keyboard/ModalDialog';
import { AssignmentPanel } from './AssignmentPanel';
import { EscalationList } from './EscalationList';
import { useAssignText } from './useAssignText';
import './assignment.css';

export const ASSIGNMENT_ACTION = 'assignment.open';

/** server/auth/roles.ts `assignment.read` / `assignment.manage`. */
const ASSIGNMENT_ROLES: readonly Role[] = ['lead', 'admin'];

export function AssignmentHost({ user }: { user: User }) {
  return ASSIGNMENT_ROLES.includes(user.role) ? <AssignmentDialogHost /> : null;
}

function AssignmentDialogHost() {
  const [open, setOpen] = useState(false);
  useAction(ASSIGNMENT_ACTION, () => setOpen(true));
  return open ? <AssignmentDialog onClose={() => setOpen(false)} /> : null;
}

export function AssignmentDialog({ onClose }: { onClose: () => void }) {
  const t = useAssignText();
  return (
    <ModalDialog title={t('title')} className="assignment-dialog" onClose={onClose}>
      <AssignmentSections />
    </ModalDialog>
  );
}

/** What the lead board shows in its assignment slot: overdue steps first, then the queues' rules. */
export function AssignmentSections() {
  return (
    <>
      <EscalationList />
      <AssignmentPanel />
    </>
  );
}
