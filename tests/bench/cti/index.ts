/**
 * The `cti` bench group (issue 10, DESIGN.md §9): caller-ID lookup at 200k residents (cti.lookup_p95_ms). Each
 * bench prepares its own data, in its own file.
 */
import type { BenchGroup } from '../types';
import { lookupBench } from './lookup';

export const ctiGroup: BenchGroup = {
  name: 'cti',
  description: 'phone: caller-ID lookup at 200k residents (issue 10)',
  setup() {
    return Promise.resolve({ benches: [lookupBench()], dispose: () => Promise.resolve() });
  },
};
