/**
 * Residents' personal data in the console (issue 11 §4): the audit log (`g a`, leads and admins) and a resident's
 * export and erasure (`g p`, admins). The actions exist only for those roles, so for anyone else the palette shows
 * them unavailable; the server decides in any case.
 */
import { useState } from 'react';
import type { Role, User } from '../../../../common/domain';
import { useAction } from '../console/keyboard/registry';
import { AuditLogDialog } from './AuditLogDialog';
import { ResidentPrivacyDialog } from './ResidentPrivacyDialog';
import './privacy.css';

export const AUDIT_ACTION = 'audit.open';
export const RESIDENT_PRIVACY_ACTION = 'privacy.open';

/** Who sees each screen (server/auth/roles.ts: `audit.read`, `residents.privacy`). */
const AUDIT_ROLES: readonly Role[] = ['lead', 'admin'];
const PRIVACY_ROLES: readonly Role[] = ['admin'];

export function PrivacyHost({ user }: { user: User }) {
  return (
    <>
      {AUDIT_ROLES.includes(user.role) && <AuditLogHost />}
      {PRIVACY_ROLES.includes(user.role) && <ResidentPrivacyHost />}
    </>
  );
}

function AuditLogHost() {
  const [open, setOpen] = useState(false);
  useAction(AUDIT_ACTION, () => setOpen(true));
  return open ? <AuditLogDialog onClose={() => setOpen(false)} /> : null;
}

function ResidentPrivacyHost() {
  const [open, setOpen] = useState(false);
  useAction(RESIDENT_PRIVACY_ACTION, () => setOpen(true));
  return open ? <ResidentPrivacyDialog onClose={() => setOpen(false)} /> : null;
}
