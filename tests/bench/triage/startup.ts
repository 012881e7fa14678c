/**
 * startup.interactive_ms — cold start (DESIGN.md §9 rule 2), median of COLD_STARTS: from spawning the desk host
 * (out/web/cli.mjs, a new process each time) until the frame that paints the ticket list's first rows, in a new
 * Chromium with a new, empty profile (nothing in its HTTP or code cache: the bundle comes from the host, which reads
 * it from disk). Before every start the console profile is copied afresh from the fixture (signed in, 100k tickets
 * cached, CHANGED_SINCE tickets changed on the server since its last sync, so the sync engine starts with the pull
 * a real restart finds), and the OS page cache is dropped when this process may (root: /proc/sys/vm/drop_caches),
 * so the cache file and the bundle are read from the disk too. Launching the browser is not counted (it runs
 * before the spawn); opening the page is. No unmeasured starts come first.
 *   Logged beside: a warm start (the same browser again, its HTTP cache filled by the cold one, a new host on a
 *   fresh copy, no cache drop). Ratio: the same cold start on the profile before the tickets were written.
 * host.rss_mb — VmRSS of the desk host REST_MS after a cold start with 100k tickets (its start-up pull done by
 *   then), median over the cold starts. Ratio: the same for the empty-cache starts.
 */
import { chromium, type BrowserContext } from '@playwright/test';
import { execSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { percentile, removeTempDir, round, tempDir } from '../sync/fixtures';
import { CHROMIUM_ARGS, ensureRendererBuilt } from '../sync/keypress';
import type { Bench, BenchContext, BenchEntry } from '../types';
import { CHANGED_SINCE, freePort, startHost, type ConsoleFixture, type RunningHost } from './console-fixture';
import { PAINT_PROBE, firstRowsAt, waitUntil } from './paint-probe';

export const STARTUP_BUDGET_MS = 1_500;
export const RSS_BUDGET_MB = 300;
const COLD_STARTS = 5;
/** How long the host rests after its first rows before its memory is read. */
const REST_MS = 5_000;

/** VmRSS and VmHWM (peak) of a process, in MB. */
export function rssOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** Drops the OS page cache (needs root); false where it may not. */
function dropPageCache(): boolean {
  try {
    execSync('sync');
    writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}

/** A browser on a new, empty profile (its launch is not part of any figure). */
export async function launchFresh(): Promise<{ context: BrowserContext; dispose(): Promise<void> }> {
  const dir = tempDir('chromium-profile');
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    locale: 'zh-CN',
    viewport: { width: 1440, height: 900 },
  });
  await context.addInitScript({ content: PAINT_PROBE });
  return {
    context,
    async dispose() {
      await context.close();
      removeTempDir(dir);
    },
  };
}

interface Start {
  ms: number;
  phases: string;
  rssMb: number;
}

/** One start: spawn the host on a fresh copy of `profile` → open its URL → the frame with the first rows. */
async function start(
  context: BrowserContext,
  fx: ConsoleFixture,
  profile: string,
  port: number,
  options: { cold: boolean; rest: boolean },
): Promise<Start> {
  const copy = tempDir('triage-start');
  cpSync(profile, copy, { recursive: true });
  if (options.cold) dropPageCache();
  let host: RunningHost | undefined;
  const page = context.pages()[0] ?? (await context.newPage());
  try {
    host = await startHost(fx.server.url, copy, port);
    const spawnedAt = performance.timeOrigin + host.spawnedAt;
    const openedAt = performance.timeOrigin + performance.now();
    await page.goto(host.url);
    await waitUntil(page, 'window.__paint.firstRowsAt !== null', 60_000, 10);
    const paintedAt = (await firstRowsAt(page)) ?? NaN;
    const f = (ms: number) => `${ms.toFixed(0)} ms`;
    const phases =
      `spawn → URL printed ${f(host.readyAt - host.spawnedAt)}, ` +
      `page opened → first rows painted ${f(paintedAt - openedAt)}`;
    if (options.rest) await page.waitForTimeout(REST_MS);
    return { ms: paintedAt - spawnedAt, phases, rssMb: rssOf(host.pid).rss };
  } finally {
    await page.goto('about:blank').catch(() => undefined);
    await host?.stop();
    removeTempDir(copy);
  }
}

const median = (xs: readonly number[]) => percentile(xs, 50);

export function startupBench(fixture: () => Promise<ConsoleFixture>): Bench {
  const keys = ['startup.interactive_ms', 'host.rss_mb'] as const;
  return {
    name: 'cold start to first rows painted, 100k tickets cached; host RSS after it',
    keys,
    async run(ctx: BenchContext): Promise<BenchEntry[]> {
      ensureRendererBuilt(ctx);
      const fx = await fixture();
      const port = await freePort();
      const dropped = dropPageCache();
      ctx.log(
        `  OS page cache ${dropped ? 'dropped before every cold start' : 'NOT dropped (not root): warm OS cache'}`,
      );
      const cold: Start[] = [];
      const warm: Start[] = [];
      const empty: Start[] = [];
      for (let i = 0; i < COLD_STARTS; i++) {
        // A fresh browser for each cold start; the warm start reuses it (its HTTP cache now holds the bundle).
        const browser = await launchFresh();
        try {
          cold.push(await start(browser.context, fx, fx.profile, port, { cold: true, rest: true }));
          ctx.log(
            `  cold, 100k cache:  ${cold.at(-1)?.ms.toFixed(0)} ms (${cold.at(-1)?.phases}); RSS ${cold.at(-1)?.rssMb.toFixed(0)} MB`,
          );
          warm.push(await start(browser.context, fx, fx.profile, port, { cold: false, rest: false }));
          ctx.log(`  warm, 100k cache:  ${warm.at(-1)?.ms.toFixed(0)} ms (${warm.at(-1)?.phases})`);
        } finally {
          await browser.dispose();
        }
        const emptyBrowser = await launchFresh();
        try {
          empty.push(await start(emptyBrowser.context, fx, fx.emptyProfile, port, { cold: true, rest: true }));
          ctx.log(`  cold, empty cache: ${empty.at(-1)?.ms.toFixed(0)} ms (${empty.at(-1)?.phases})`);
        } finally {
          await emptyBrowser.dispose();
        }
      }
      const value = median(cold.map((s) => s.ms));
      const rss = median(cold.map((s) => s.rssMb));
      const emptyRss = median(empty.map((s) => s.rssMb));
      fx.emptyRssMb = emptyRss;
      ctx.log(
        `  cold median ${value.toFixed(0)} ms; warm median ${median(warm.map((s) => s.ms)).toFixed(0)} ms ` +
          `(not the budget's figure); RSS median ${rss.toFixed(0)} MB, empty cache ${emptyRss.toFixed(0)} MB`,
      );
      return [
        {
          key: 'startup.interactive_ms',
          value: round(value, 0),
          unit: 'ms',
          budget: STARTUP_BUDGET_MS,
          ratio: round(value / median(empty.map((s) => s.ms)), 2),
          ratioTo: 'the same cold start with an empty ticket cache',
          data: fx.data,
          span:
            `median of ${COLD_STARTS} cold starts: desk host process spawned (fresh profile copy, ${CHANGED_SINCE} ` +
            `changes waiting on the server${dropped ? ', OS page cache dropped' : ''}) → the frame that paints the ` +
            `first list rows, in a new Chromium profile (browser launch not counted, page load counted); the ` +
            `start-up pull and the rest of the page's loading go on after it`,
        },
        {
          key: 'host.rss_mb',
          value: round(rss, 0),
          unit: 'MB',
          budget: RSS_BUDGET_MB,
          ratio: round(rss / emptyRss, 2),
          ratioTo: 'the host after an empty-cache cold start',
          data: fx.data,
          span: `desk host VmRSS ${REST_MS / 1000} s after a cold start's first rows (its start-up pull of ${CHANGED_SINCE} changes done); median of ${COLD_STARTS}; the peak during an initial sync is host.peak_rss_mb (sync group)`,
        },
      ];
    },
  };
}
