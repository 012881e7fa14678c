/** What route modules need from the server: storage and the clock (injectable for tests). */
import type { Db } from '../db/driver';
import type { SlaSettingsStore } from '../settings/sla-store';

export interface ServerDeps {
  db: Db;
  now: () => Date;
  /** SLA settings and the policy built from them (every ticket write computes SLA fields with it). */
  slaSettings: SlaSettingsStore;
}
