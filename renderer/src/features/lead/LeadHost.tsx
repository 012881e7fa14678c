/**
 * The lead board in the console (issue 12): `g l` and the palette open it for leads and admins (the action exists
 * only for them, so the palette shows it unavailable to others; the desk refuses them anyway). Every console hears
 * of tickets moved to or from its agent.
 */
import { useState, type ReactNode } from 'react';
import type { User } from '../../../../common/domain';
import { isLead } from '../../../../common/lead/board';
import { useAction } from '../console/keyboard/registry';
import { LeadBoard } from './LeadBoard';
import { ReassignNotices } from './ReassignNotices';

export const LEAD_BOARD_ACTION = 'lead.open';

export function LeadHost({ user, extras }: { user: User; extras?: ReactNode }) {
  return (
    <>
      <ReassignNotices />
      {isLead(user.role) && <LeadBoardHost user={user} extras={extras} />}
    </>
  );
}

function LeadBoardHost({ user, extras }: { user: User; extras?: ReactNode }) {
  const [open, setOpen] = useState(false);
  useAction(LEAD_BOARD_ACTION, () => setOpen(true));
  return open ? <LeadBoard user={user} extras={extras} onClose={() => setOpen(false)} /> : null;
}
