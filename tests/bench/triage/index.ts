/**
 * The `triage` bench group (issue 4, DESIGN.md §9): local search over 200k cached tickets (search.p95_ms), and the
 * console over 100k cached tickets in Chromium: cold start (startup.interactive_ms), keypress → frame
 * (triage.keypress_p95_ms), list scrolling frames (triage.scroll_frame_p95_ms) and the desk host's memory
 * (host.rss_mb).
 */
import type { BenchGroup } from '../types';
import { startupBench, triageConsoleBench } from './console';
import { prepareConsoleFixture, type ConsoleFixture } from './console-fixture';
import { disposeSearchFixture, prepareSearchFixture, searchBench, type SearchFixture } from './search';

export const triageGroup: BenchGroup = {
  name: 'triage',
  description: 'local search over 200k cached tickets; console keypress, scrolling, cold start, RSS at 100k (issue 4)',
  async setup(ctx) {
    // Each fixture is built once, on first use (a --filter that skips its benches skips its preparation too).
    let search: SearchFixture | undefined;
    const searchFixture = () => (search ??= prepareSearchFixture(ctx));
    let console_: Promise<ConsoleFixture> | undefined;
    const consoleFixture = () => (console_ ??= prepareConsoleFixture(ctx));
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
