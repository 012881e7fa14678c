/**
 * The `kpi` bench group (issue 12, DESIGN.md §9): the slowest KPI query over the demo's large data on PGlite and
 * on PostgreSQL (kpi.query_max_ms.pglite / .postgres, budget 200 ms each), and the lead board's refresh.
 */
import type { BenchGroup } from '../types';
import { LEAD_BOARD_KEY, measureLeadBoardRefresh } from './board';
import { kpiQueryBench } from './query';

export const kpiGroup: BenchGroup = {
  name: 'kpi',
  description: 'KPI queries over 200k tickets and 300k calls, PGlite and PostgreSQL; lead board refresh (issue 12)',
  setup() {
    return Promise.resolve({
      benches: [
        kpiQueryBench('pglite'),
        kpiQueryBench('postgres'),
        {
          name: 'Lead board refresh, 50 agents online (demo small)',
          keys: [LEAD_BOARD_KEY],
          run: async (ctx) => [await measureLeadBoardRefresh(ctx)],
        },
      ],
      async dispose() {},
    });
  },
};
