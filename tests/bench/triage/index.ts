/**
 * The `triage` bench group (issues 4 and 13, DESIGN.md §9), all on the demo generator's large data set (./demo):
 * local search over 200k cached tickets (search.p95_ms), and the console over the newest 100k of them in Chromium
 * with real frames: cold start and the host's memory after it (./startup: startup.interactive_ms, host.rss_mb),
 * and keys → painted result (./console: triage.keypress_p95_ms, triage.keypress_median_ms, triage.action_p95_ms,
 * triage.jump_p95_ms, triage.scroll_frame_p95_ms).
 */
import type { BenchGroup } from '../types';
import { triageConsoleBench } from './console';
import { prepareConsoleFixture, type ConsoleFixture } from './console-fixture';
import { releaseDemo } from './demo';
import { disposeSearchFixture, prepareSearchFixture, searchBench, type SearchFixture } from './search';
import { startupBench } from './startup';

export const triageGroup: BenchGroup = {
  name: 'triage',
  description: 'demo large: search over 200k cached tickets; console cold start, keys, jumps, scrolling, RSS at 100k',
  async setup(ctx) {
    // Each fixture is built once, on first use (a --filter that skips its benches skips its preparation too).
    let search: SearchFixture | undefined;
    const searchFixture = () => (search ??= prepareSearchFixture(ctx));
    let console_: Promise<ConsoleFixture> | undefined;
    const consoleFixture = () =>
      (console_ ??= prepareConsoleFixture(ctx).finally(() => {
        // The search fixture (first in the run) has taken its tickets by now: the generated set can go.
        releaseDemo();
      }));
    return {
      benches: [searchBench(searchFixture), startupBench(consoleFixture), triageConsoleBench(consoleFixture)],
      async dispose() {
        if (search) disposeSearchFixture(search);
        const fx = await console_?.catch(() => undefined);
        await fx?.dispose();
      },
    };
  },
};
