/**
 * The KPI dashboard in the console (`g d` and the palette): only for leads and admins, who alone may read it
 * (server/auth/roles.ts `kpi.read`); for anyone else the action is not registered, and the server refuses anyway.
 */
import { useState } from 'react';
import type { Role, User } from '../../../../common/domain';
import { useAction } from '../console/keyboard/registry';
import { KpiDashboard } from './KpiDashboard';
import './kpi.css';

export const KPI_ACTION = 'kpi.open';
const KPI_ROLES: readonly Role[] = ['lead', 'admin'];

export function KpiHost({ user }: { user: User }) {
  return KPI_ROLES.includes(user.role) ? <KpiOpener /> : null;
}

function KpiOpener() {
  const [open, setOpen] = useState(false);
  useAction(KPI_ACTION, () => setOpen(true));
  return open ? <KpiDashboard onClose={() => setOpen(false)} /> : null;
}
