/**
 * The registered bench groups (DESIGN.md §9). `triage`, `cti` and `kpi` arrive with their issues: add the group
 * here and `npm run bench -- --only NAME` runs it.
 */
import { ctiGroup } from './cti';
import { kpiGroup } from './kpi';
import { syncGroup } from './sync';
import { triageGroup } from './triage';
import type { BenchGroup } from './types';

export const GROUPS: readonly BenchGroup[] = [syncGroup, triageGroup, ctiGroup, kpiGroup];
