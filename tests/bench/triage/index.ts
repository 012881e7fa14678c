/**
 * The `triage` bench group (issue 4, DESIGN.md §9). For now only local search (search.p95_ms); the keypress,
 * scrolling, cold-start and RSS figures of the issue are still to come.
 */
import type { BenchGroup } from '../types';
import { disposeSearchFixture, prepareSearchFixture, searchBench, type SearchFixture } from './search';

export const triageGroup: BenchGroup = {
  name: 'triage',
  description: 'local search over 200k cached tickets (issue 4)',
  async setup(ctx) {
    // Built once, on first use (a --filter that skips the bench skips the data preparation too).
    let fixture: SearchFixture | undefined;
    const searchFixture = () => (fixture ??= prepareSearchFixture(ctx));
    return {
      benches: [searchBench(searchFixture)],
      async dispose() {
        if (fixture) disposeSearchFixture(fixture);
      },
    };
  },
};
