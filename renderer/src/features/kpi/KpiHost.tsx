/**
 * The KPI dashboard in the console (`g d` and the palette): only for leads and admins, who alone may read it
 * (server/auth/roles.ts `kpi.read`); for anyone else the action is not registered, and the server refuses anyway.
 * The dashboard (with ECharts) is loaded when first opened: the console's own start does not parse it.
 */
import { lazy, Suspense, useState } from 'react';
import type { Role, User } from '../../../../common/domain';
import { useAction } from '../console/keyboard/registry';
import './kpi.css';

export const KPI_ACTION = 'kpi.open';
const KPI_ROLES: readonly Role[] = ['lead', 'admin'];

const KpiDashboard = lazy(() => import('./KpiDashboard').then((m) => ({ default: m.KpiDashboard })));

export function KpiHost({ user }: { user: User }) {
  return KPI_ROLES.includes(user.role) ? <KpiOpener /> : null;
}

function KpiOpener() {
  const [open, setOpen] = useState(false);
  useAction(KPI_ACTION, () => setOpen(true));
  return open ? (
    <Suspense fallback={null}>
      <KpiDashboard onClose={() => setOpen(false)} />
    </Suspense>
  ) : null;
}
