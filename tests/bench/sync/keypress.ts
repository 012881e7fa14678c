/**
 * sync.keypress_during_initial_p95_ms: the browser host as shipped (out/web/cli.mjs, a child process) with a fresh profile,
 * Debian Chromium driven by Playwright; the agent logs in against a server with 100k tickets, and while the initial
 * sync runs `j` / ArrowDown are pressed in the ticket list. Each keydown is measured in the page, from the event's
 * timestamp (so time spent queued behind other work counts) to the frame that paints the moved cursor (PROBE).
 * p95 over the presses made while the sync progress bar was showing.
 *
 * Ratio: the same keypresses once the sync has finished (an idle console with the same 100k tickets).
 */
import { chromium, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Bench, BenchContext, BenchEntry } from '../types';
import { BENCH_PASSWORD, ROOT, describeSamples, percentile, round, startServer, tempDir } from './fixtures';
import { ensureWebHostBuilt, startHost } from '../triage/console-fixture';
import type { HundredK } from './initial';

export const KEYPRESS_BUDGET_MS = 50;
const PRESSES = 200;
const IDLE_PRESSES = 100;
/** The probe's wait for a press's painted cursor move (PROBE's giveUp); a press past it counts as this long. */
const UNPAINTED_MS = 1000;
/** Pause between presses: a brisk j-j-j, slower than key repeat. */
const GAP_MS = 30;

// playwright.config.ts: Debian's Chromium with the same flags as the e2e tests.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the renderer (electron-vite build) when out/renderer is missing or older than its sources. */
export function ensureRendererBuilt(ctx: BenchContext): void {
  const marker = join(ROOT, 'out', 'renderer', 'index.html');
  const sources = Math.max(...['common', 'renderer'].map((d) => newestMtime(join(ROOT, d))));
  if (existsSync(marker) && statSync(marker).mtimeMs >= sources) return;
  ctx.log('  building the renderer (electron-vite build)…');
  const cli = join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const result = spawnSync(process.execPath, [cli, 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('electron-vite build failed');
}

interface KeySample {
  ms: number | null;
  syncing: boolean;
  onList: boolean;
  /**
   * The list had no row, or the cursor was on its last row: the press has no visible result to wait for (and
   * none comes), so it is counted apart, not as a slow press.
   */
  nothingToMove: boolean;
  /** Set for a press not painted within the probe's second: what the page showed then. */
  why?: string;
}

/**
 * The in-page probe, an init script (plain JavaScript: this project's Node typings have no DOM), DESIGN.md §9
 * rule 1: every j/ArrowDown keydown records whether the sync progress bar shows and whether the list has focus and
 * the cursor row it starts from (the listbox's aria-activedescendant); a MutationObserver sees the listbox point at
 * another row that is in the document, and the press ends at the frame that paints it: the next animation frame
 * after that change, measured just after its paint (a message posted from inside the frame callback runs once the
 * frame is done). Start: the event's timestamp, so time spent queued behind other work counts. A press whose
 * cursor never moves within a second (it did not reach the list) keeps ms null and is counted apart.
 */
const PROBE = `(() => {
  const samples = [];
  window.__deskBench = samples;
  const afterPaint = (done) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => done();
    channel.port2.postMessage(null);
  });
  window.addEventListener('keydown', (event) => {
    if (event.key !== 'j' && event.key !== 'ArrowDown') return;
    const list = document.querySelector('[role="listbox"]');
    const n = samples.length;
    const from = list ? list.getAttribute('aria-activedescendant') : null;
    const fromRow = from ? document.getElementById(from) : null;
    const atEnd = fromRow !== null && fromRow.getAttribute('aria-posinset') === fromRow.getAttribute('aria-setsize');
    const empty = list !== null && list.querySelector('[role="option"]') === null;
    const sample = {
      ms: null,
      syncing: document.querySelector('[role="status"] progress') !== null,
      onList: document.activeElement === list && list !== null,
      nothingToMove: empty || atEnd,
    };
    samples.push(sample);
    if (!list) return;
    const start = Math.min(event.timeStamp, performance.now());
    const moved = () => {
      const to = list.getAttribute('aria-activedescendant');
      return to !== null && to !== from && document.getElementById(to) !== null;
    };
    const observer = new MutationObserver(() => {
      if (!moved()) return;
      observer.disconnect();
      clearTimeout(giveUp);
      afterPaint(() => { sample.ms = performance.now() - start; });
    });
    observer.observe(list, { attributes: true, attributeFilter: ['aria-activedescendant'], childList: true, subtree: true });
    const giveUp = setTimeout(() => {
      observer.disconnect();
      const to = list.getAttribute('aria-activedescendant');
      sample.why = !sample.onList ? 'the list did not have focus'
        : !list.isConnected ? 'the list was drawn anew'
        : empty ? 'the list had no rows'
        : atEnd ? 'the cursor was on the last row'
        : to === from ? 'the cursor did not move'
        : 'the cursor row was not drawn';
    }, 1000);
  }, true);
})();`;

/** A press made while the initial sync ran that had a row to move to. */
const countedDuringSync = (s: KeySample) => s.syncing && !s.nothingToMove;

const readSamples = (page: Page) => page.evaluate<KeySample[]>('window.__deskBench.slice()');

const syncing = (page: Page) => page.evaluate<boolean>(`document.querySelector('[role="status"] progress') !== null`);

export function keypressDuringInitialBench(prepare: () => Promise<HundredK>): Bench {
  const key = 'sync.keypress_during_initial_p95_ms';
  return {
    name: 'keypress during the initial sync (browser host + Chromium)',
    keys: [key],
    async run(ctx: BenchContext): Promise<BenchEntry[]> {
      ensureRendererBuilt(ctx);
      const { database, users, data } = await prepare();
      const user = users[0];
      if (!user) throw new Error('no bench user');
      const server = await startServer(database);
      const profile = tempDir('browser-profile');
      ensureWebHostBuilt();
      const host = await startHost(server.url, profile);
      const browser = await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: CHROMIUM_ARGS,
      });
      try {
        const context = await browser.newContext({ locale: 'zh-CN' });
        await context.addInitScript({ content: PROBE });
        const page = await context.newPage();
        await page.goto(host.url);
        await page.getByLabel('用户名').fill(user.username);
        await page.getByLabel('密码').fill(BENCH_PASSWORD);
        const loginAt = performance.now();
        await page.getByRole('button', { name: '登录' }).click();
        const list = page.getByRole('listbox', { name: '工单' });
        await list.waitFor({ state: 'visible', timeout: 60_000 });
        ctx.log(`  logged in; ticket list shown after ${(performance.now() - loginAt).toFixed(0)} ms`);
        // The agent presses j once there is a row to move to (an empty list has no result to wait for; the wait
        // for rows is sync.initial_100k_usable_s).
        await list.getByRole('option').first().waitFor({ timeout: 120_000 });
        await list.focus();
        ctx.log(`  its first row shown after ${(performance.now() - loginAt).toFixed(0)} ms; pressing keys`);

        // Press until PRESSES keydowns happened during the sync, or the sync ends.
        let pressed = 0;
        let during = 0;
        while (during < PRESSES && pressed < PRESSES * 3) {
          for (let i = 0; i < 20; i++) {
            await page.keyboard.press(pressed % 2 === 0 ? 'j' : 'ArrowDown');
            pressed += 1;
            await page.waitForTimeout(GAP_MS);
          }
          const samples = await readSamples(page);
          during = samples.filter(countedDuringSync).length;
          if (samples.at(-1)?.onList === false) await list.focus();
          if (!(await syncing(page)) && during > 0) break;
        }
        const pressedDuringSync = (await readSamples(page)).filter((s) => s.syncing);
        const duringSync = pressedDuringSync.filter(countedDuringSync);
        ctx.log(
          `  ${pressed} presses, ${pressedDuringSync.length} while the initial sync ran ` +
            `(${duringSync.filter((s) => s.onList).length} with the list focused); ` +
            `${pressedDuringSync.length - duringSync.length} had nothing to move to (no rows, or the cursor on ` +
            `the last row): not counted`,
        );
        if (duringSync.length < PRESSES) {
          ctx.log(`  note: the sync ended after ${duringSync.length} presses; p95 is over those`);
        }
        if (duringSync.length < 20) throw new Error(`only ${duringSync.length} presses happened during the sync`);

        // Wait for the sync to finish, then the same presses on the idle console (the ratio's baseline).
        const waitStarted = performance.now();
        while (await syncing(page)) {
          if (performance.now() - waitStarted > 600_000) throw new Error('the initial sync did not finish in 10 min');
          await page.waitForTimeout(250);
        }
        ctx.log(`  initial sync finished ${((performance.now() - loginAt) / 1000).toFixed(1)} s after login`);
        await page.waitForTimeout(1_000);
        await list.focus();
        const before = (await readSamples(page)).length;
        for (let i = 0; i < IDLE_PRESSES; i++) {
          await page.keyboard.press(i % 2 === 0 ? 'j' : 'ArrowDown');
          await page.waitForTimeout(GAP_MS);
        }
        await page.waitForTimeout(200);
        const all = await readSamples(page);
        // A press whose cursor move was not painted within the probe's second counts as that second (a lower bound):
        // leaving it out would report the presses that went well only.
        const measured = (s: KeySample[]) => s.map((x) => x.ms ?? UNPAINTED_MS);
        const busy = measured(duringSync);
        const idleSamples = all.slice(before).filter((x) => !x.nothingToMove);
        const idle = measured(idleSamples);
        const unpainted = (s: KeySample[]) => s.filter((x) => x.ms === null).length;
        ctx.log(
          `  presses whose cursor move was not painted within 1 s (counted as ${UNPAINTED_MS} ms): ` +
            `${unpainted(duringSync)} during the sync, ${unpainted(idleSamples)} idle`,
        );
        const reasons = new Map<string, number>();
        for (const s of duringSync) if (s.why) reasons.set(s.why, (reasons.get(s.why) ?? 0) + 1);
        if (reasons.size > 0) {
          ctx.log(`  why not painted: ${[...reasons].map(([why, n]) => `${n} × ${why}`).join('; ')}`);
        }
        ctx.log(`  during the sync: ${describeSamples(busy)}`);
        ctx.log(`  idle afterwards: ${describeSamples(idle)}`);
        const p95 = percentile(busy, 95);
        return [
          {
            key,
            value: round(p95, 1),
            unit: 'ms',
            budget: KEYPRESS_BUDGET_MS,
            ratio: round(p95 / percentile(idle, 95), 2),
            ratioTo: 'the same keypresses after the sync (idle console)',
            data,
            span:
              'each j/ArrowDown keydown (its event timestamp) to the end of the first frame that paints the moved ' +
              'cursor row (MutationObserver on the listbox + requestAnimationFrame), Chromium default frame pacing; ' +
              "presses while the initial-sync progress bar shows, from the list's first row on (presses with nothing " +
              'to move to — no rows, the cursor on the last row — are counted apart); the sync and its background ' +
              'work go on after it',
          },
        ];
      } finally {
        await browser.close();
        await host.stop();
        await server.stop();
      }
    },
  };
}
