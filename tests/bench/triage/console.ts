/**
 * The triage figures in the console (issue 13, DESIGN.md §9 rule 1): Debian Chromium with its default frame pacing
 * (no frame-rate flags), driven by Playwright, against the browser host as shipped on a fresh copy of the fixture's
 * profile (100k demo tickets with their events cached, ./console-fixture). Every key is timed by ./paint-probe:
 * keydown timestamp → the animation frame that paints the key's visible result.
 *
 * triage.keypress_p95_ms / triage.keypress_median_ms — j and k in the "all" view (every cached ticket), at
 *   positions spread over the whole list: each round jumps to one of the fixture's spread tickets (search → open),
 *   then presses j ×J_PRESSES and k ×K_PRESSES; the result is the cursor row (aria-selected) on the next/previous
 *   ticket, drawn. The ticket stays open meanwhile, so each move also opens the ticket it lands on, as an agent
 *   reading down the list sees it (the detail's own paint is not waited for). Ratio: an unbound key (F9), keydown →
 *   next frame — the frame pacing's own floor.
 * triage.action_p95_ms — actions the host answers: Shift+A on open unassigned tickets (assign to me; the result is
 *   the new assignee shown in the open ticket's detail) and Enter on a closed detail (the ticket's detail drawn).
 * triage.jump_p95_ms — the cursor lands on rows never loaded before: `g u` / `g m` / `g o` (first visit of each
 *   view: its cursor row drawn), End (the last of 100k rows), PageDown ×PAGE_DOWNS from rows deep in the list, and
 *   search result → open (Enter in the search panel: the ticket's detail drawn and the cursor row on it).
 * triage.scroll_frame_p95_ms — the list scrolled programmatically by SCROLL_ROWS_PER_FRAME rows each frame for
 *   SCROLL_MS from the middle of the 100k list (pages load as it goes); p95 of the intervals between animation
 *   frames at 60 Hz (16.7 ms when no frame is missed). Ratio: the same page repainting one pixel a frame.
 */
import type { Page } from '@playwright/test';
import { describeSamples, percentile, removeTempDir, round, tempDir } from '../sync/fixtures';
import { ensureRendererBuilt } from '../sync/keypress';
import type { Bench, BenchContext, BenchEntry } from '../types';
import { startHost, type ConsoleFixture } from './console-fixture';
import { PaintTimeoutError, tests, timeKey, waitUntil, type PaintSample } from './paint-probe';
import { launchFresh } from './startup';
import { cpSync } from 'node:fs';

export const KEYPRESS_P95_BUDGET_MS = 33;
export const KEYPRESS_MEDIAN_BUDGET_MS = 16.7;
export const ACTION_BUDGET_MS = 50;
export const JUMP_BUDGET_MS = 50;
export const SCROLL_FRAME_BUDGET_MS = 16.7;

const J_PRESSES = 8;
const K_PRESSES = 4;
const PAGE_DOWNS = 20;
/** Tickets of the unassigned view opened and assigned to the agent (Shift+A). */
const ASSIGNS = 20;
/** Pause between presses: a brisk j-j-j, slower than key repeat. */
const GAP_MS = 40;
const SCROLL_MS = 4_000;
const SCROLL_ROWS_PER_FRAME = 2;
/** zh-CN labels the DOM tests look for (renderer/src/i18n/zh-CN.ts). */
const ALL_VIEW_LABEL = '全部工单';
const ASSIGNEE_LABEL = '处理人';

/** The cursor row: its index (0-based), code and whether it is drawn. */
interface Cursor {
  index: number;
  code: string | null;
}

const cursor = (page: Page) =>
  page.evaluate<Cursor | null>(`(() => {
    const el = document.querySelector('[role="listbox"] [role="option"][aria-selected="true"]');
    if (!el) return null;
    return { index: Number(el.getAttribute('aria-posinset')) - 1, code: el.querySelector('.row-code')?.textContent ?? null };
  })()`);

const detail = (page: Page) =>
  page.evaluate<{ code: string | null; assignee: string | null }>(`(() => {
    const code = document.querySelector('.ticket-detail .detail-code')?.textContent ?? null;
    let assignee = null;
    for (const fact of document.querySelectorAll('.ticket-detail .fact'))
      if (fact.querySelector('dt')?.textContent === ${JSON.stringify(ASSIGNEE_LABEL)})
        assignee = fact.querySelector('dd')?.textContent ?? null;
    return { code, assignee };
  })()`);

const pause = (page: Page, ms = GAP_MS) => page.waitForTimeout(ms);

/** Frame intervals while the list scrolls n rows a frame (or, with 0, while one pixel is repainted each frame). */
async function frameDeltas(page: Page, rowsPerFrame: number, ms: number): Promise<{ deltas: number[]; busy: number }> {
  return page.evaluate<{ deltas: number[]; busy: number }>(`new Promise((done) => {
    const list = document.querySelector('[role="listbox"]');
    const rowHeight = list.querySelector('[role="option"]')?.getBoundingClientRect().height || 52;
    const pixel = document.createElement('div');
    pixel.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none';
    document.body.append(pixel);
    const deltas = [];
    let busy = 0;
    let last = null;
    let n = 0;
    const until = performance.now() + ${ms};
    const frame = (now) => {
      if (last !== null) deltas.push(now - last);
      last = now;
      // Rows still waiting for their page (placeholders) in this frame.
      if (list.querySelector('[role="option"][aria-busy="true"]')) busy += 1;
      if (now >= until) {
        pixel.remove();
        return done({ deltas, busy });
      }
      if (${rowsPerFrame} > 0) list.scrollTop += ${rowsPerFrame} * rowHeight;
      else pixel.style.background = ++n % 2 ? '#fff' : '#fefefe';
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  })`);
}

class Samples {
  readonly byKind = new Map<string, number[]>();
  readonly failures: string[] = [];
  add(kind: string, s: PaintSample): void {
    this.byKind.set(kind, [...(this.byKind.get(kind) ?? []), s.ms]);
  }
  /** Times one key; a result never painted is logged and counted, not dropped silently. */
  async time(kind: string, page: Page, label: string, key: string, test: string | null, domKey = key) {
    try {
      this.add(kind, await timeKey(page, label, key, test, domKey));
    } catch (err) {
      if (!(err instanceof PaintTimeoutError) && !String(err).includes('before the key')) throw err;
      this.failures.push(String((err as Error).message));
    }
  }
  of(...kinds: string[]): number[] {
    return kinds.flatMap((k) => this.byKind.get(k) ?? []);
  }
}

/** `/`, the code typed, its result listed; then Enter is the measured jump. */
async function searchAndOpen(page: Page, samples: Samples, code: string): Promise<void> {
  await page.keyboard.press('/');
  await page.locator('dialog[open] [role="combobox"]').waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.type(code, { delay: 15 });
  await waitUntil(
    page,
    `(() => { const first = document.querySelector('dialog[open] [role="option"]');
      return !!first && first.textContent.includes(${JSON.stringify(code)}); })()`,
    10_000,
  );
  await pause(page, 200);
  await samples.time('search → open', page, `open ${code}`, 'Enter', tests.detailOf(code, true));
}

/**
 * Shift+A where it is meant for: open tickets nobody has (the unassigned view). Each ticket is opened (Enter),
 * assigned (Shift+A: timed to the new assignee shown in its detail) and closed again. The assigned ticket leaves
 * the view, but the list holds its row under the cursor until the cursor moves (list.hold): `j` steps on to the
 * next unassigned ticket, as an agent would.
 */
async function assignRound(page: Page, samples: Samples, me: string): Promise<void> {
  const list = page.getByRole('listbox', { name: '工单' });
  await list.focus();
  for (let tries = 0; samples.of('Shift+A').length < ASSIGNS && tries < ASSIGNS * 2; tries++) {
    const at = await cursor(page);
    if (!at?.code) break;
    if ((await detail(page)).code !== at.code) {
      await samples.time('Enter', page, 'Enter', 'Enter', tests.detailOf(at.code));
      await pause(page, 300);
    }
    const shown = await detail(page);
    if (shown.code !== at.code) break;
    if (shown.assignee !== me) {
      await samples.time('Shift+A', page, 'Shift+A', 'Shift+A', tests.assigneeShown(at.code, ASSIGNEE_LABEL, me), 'A');
      await pause(page, 300);
    }
    await page.keyboard.press('Escape');
    await pause(page, 300);
    await list.focus();
    await page.keyboard.press('j');
    try {
      await waitUntil(
        page,
        `document.querySelector('[role="listbox"] [role="option"][aria-selected="true"] .row-code')?.textContent !== ${JSON.stringify(at.code)}`,
        5_000,
      );
    } catch {
      break; // the view ran out of unassigned tickets
    }
    await pause(page, 300);
  }
}

export function triageConsoleBench(fixture: () => Promise<ConsoleFixture>): Bench {
  const keys = [
    'triage.keypress_p95_ms',
    'triage.keypress_median_ms',
    'triage.action_p95_ms',
    'triage.jump_p95_ms',
    'triage.scroll_frame_p95_ms',
  ] as const;
  return {
    name: 'triage in the console: j/k, actions, jumps, scrolling (100k tickets cached, real frames)',
    keys,
    async run(ctx: BenchContext): Promise<BenchEntry[]> {
      ensureRendererBuilt(ctx);
      const fx = await fixture();
      const copy = tempDir('triage-keys');
      cpSync(fx.profile, copy, { recursive: true });
      const browser = await launchFresh();
      const host = await startHost(fx.server.url, copy);
      const samples = new Samples();
      try {
        const page = browser.context.pages()[0] ?? (await browser.context.newPage());
        await page.goto(host.url);
        await waitUntil(page, 'window.__paint.firstRowsAt !== null', 60_000);
        await pause(page, 3_000); // the start-up pull
        const list = page.getByRole('listbox', { name: '工单' });
        await list.focus();

        for (let i = 0; i < 30; i++) {
          await samples.time('F9', page, 'F9', 'F9', null);
          await pause(page);
        }

        // Views never opened before: g u, g m, g o (the console opened on the inbox).
        for (const [key, view] of [
          ['u', 'unassigned'],
          ['m', 'mine'],
          ['o', 'overdue'],
        ] as const) {
          await page.keyboard.press('g');
          await samples.time('g view', page, `g ${key}`, key, tests.cursorIn(view));
          await pause(page, 300);
          if (view === 'unassigned') await assignRound(page, samples, fx.user.name);
        }

        // The "all" view: every cached ticket.
        await page.getByRole('button', { name: new RegExp(`^${ALL_VIEW_LABEL}`) }).click();
        await waitUntil(page, tests.cursorIn('all'), 15_000);
        await list.focus();
        const total = await page.evaluate<number>(
          `Number(document.querySelector('[role="listbox"] [role="option"]')?.getAttribute('aria-setsize'))`,
        );
        ctx.log(`  "all" view: ${total.toLocaleString('en-US')} rows`);
        await samples.time('End', page, 'End', 'End', tests.cursorAt('all', total - 1));
        await pause(page, 300);

        let pageDowns = 0;
        const codes = fx.spreadCodes;
        for (const [round_, code] of codes.entries()) {
          await searchAndOpen(page, samples, code);
          await pause(page, 300);
          await list.focus();
          for (let i = 0; i < J_PRESSES + K_PRESSES; i++) {
            const at = await cursor(page);
            if (!at) break;
            const down = i < J_PRESSES;
            const target = at.index + (down ? 1 : -1);
            if (target < 0 || target >= total) continue;
            await samples.time(
              down ? 'j' : 'k',
              page,
              down ? 'j' : 'k',
              down ? 'j' : 'k',
              tests.cursorAt('all', target),
            );
            await pause(page);
          }
          await pause(page, 300);
          // Esc closes the detail; Enter opens the cursor's ticket again.
          await page.keyboard.press('Escape');
          await pause(page, 300);
          await list.focus();
          const at = await cursor(page);
          const open = await detail(page);
          if (at?.code && open.code !== at.code) {
            await samples.time('Enter', page, 'Enter', 'Enter', tests.detailOf(at.code));
            await pause(page, 300);
            await page.keyboard.press('Escape');
            await pause(page, 200);
            await list.focus();
          }
          // PageDown from here (rows below the spread ticket, most never drawn).
          if (pageDowns < PAGE_DOWNS) {
            for (let i = 0; i < Math.ceil(PAGE_DOWNS / codes.length) + 1 && pageDowns < PAGE_DOWNS; i++) {
              const from = await cursor(page);
              if (!from || from.index >= total - 1) break;
              await samples.time('PageDown', page, 'PageDown', 'PageDown', tests.cursorBelow('all', from.index));
              pageDowns += 1;
              await pause(page, 100);
            }
          }
          if (round_ % 6 === 5) ctx.log(`  ${round_ + 1} of ${codes.length} spread tickets done`);
        }

        // Scrolling from the middle of the list, then the same page repainting a pixel.
        await page.evaluate(`document.querySelector('[role="listbox"]').scrollTop = ${Math.floor(total / 2)} * 52`);
        await pause(page, 1_000);
        const scrolled = await frameDeltas(page, SCROLL_ROWS_PER_FRAME, SCROLL_MS);
        const idle = await frameDeltas(page, 0, SCROLL_MS / 2);
        ctx.log(
          `  scrolling: ${describeSamples(scrolled.deltas)} over ~${scrolled.deltas.length * SCROLL_ROWS_PER_FRAME} ` +
            `rows; ${scrolled.busy} of ${scrolled.deltas.length + 1} frames showed rows still loading`,
        );
        ctx.log(`  a pixel:   ${describeSamples(idle.deltas)}`);

        for (const [kind, ms] of samples.byKind) ctx.log(`  ${kind.padEnd(14)} ${describeSamples(ms)}`);
        if (samples.failures.length > 0) {
          ctx.log(`  ${samples.failures.length} keys whose result was never painted (left out of the figures):`);
          for (const f of samples.failures.slice(0, 10)) ctx.log(`    ${f}`);
        }
        const jk = samples.of('j', 'k');
        const actions = samples.of('Shift+A', 'Enter');
        const jumps = samples.of('g view', 'End', 'PageDown', 'search → open');
        const f9 = samples.of('F9');
        const f9p95 = percentile(f9, 95);
        const data = fx.data;
        const keySpan =
          'keydown event timestamp → the animation frame that paints the result (MutationObserver + rAF); ';
        return [
          {
            key: 'triage.keypress_p95_ms',
            value: round(percentile(jk, 95), 1),
            unit: 'ms',
            budget: KEYPRESS_P95_BUDGET_MS,
            ratio: round(percentile(jk, 95) / f9p95, 2),
            ratioTo: 'an unbound key (F9): keydown → next frame',
            data,
            span:
              keySpan +
              `${jk.length} j/k presses in the "all" view at ${codes.length} places spread over it, result = cursor row ` +
              `on the next/previous ticket; the opened ticket's detail loads after it`,
          },
          {
            key: 'triage.keypress_median_ms',
            value: round(percentile(jk, 50), 1),
            unit: 'ms',
            budget: KEYPRESS_MEDIAN_BUDGET_MS,
            ratio: round(percentile(jk, 50) / percentile(f9, 50), 2),
            ratioTo: 'an unbound key (F9): keydown → next frame',
            data,
            span: `the median of the same presses as triage.keypress_p95_ms`,
          },
          {
            key: 'triage.action_p95_ms',
            value: round(percentile(actions, 95), 1),
            unit: 'ms',
            budget: ACTION_BUDGET_MS,
            data,
            span:
              keySpan +
              `${actions.length} presses: Shift+A (result = the new assignee in the open ticket's detail: the host ` +
              `wrote it and the detail was read again) and Enter (result = the ticket's detail drawn); the outbox ` +
              `push to the server goes on after it`,
          },
          {
            key: 'triage.jump_p95_ms',
            value: round(percentile(jumps, 95), 1),
            unit: 'ms',
            budget: JUMP_BUDGET_MS,
            data,
            span:
              keySpan +
              `${jumps.length} jumps: g u / g m / g o (first visit: cursor row drawn), End (row ${total} drawn), ` +
              `PageDown ×${pageDowns} at spread places (cursor row a screen below, drawn), search result → open ` +
              `×${samples.of('search → open').length} (detail drawn and cursor row on it)`,
          },
          {
            key: 'triage.scroll_frame_p95_ms',
            value: round(percentile(scrolled.deltas, 95), 1),
            unit: 'ms',
            budget: SCROLL_FRAME_BUDGET_MS,
            ratio: round(percentile(scrolled.deltas, 95) / percentile(idle.deltas, 95), 2),
            ratioTo: 'frame intervals of the same page repainting one pixel a frame',
            data,
            span:
              `intervals between animation frames (60 Hz, default pacing) while the "all" list scrolls ` +
              `${SCROLL_ROWS_PER_FRAME} rows a frame for ${SCROLL_MS / 1000} s from its middle; ${scrolled.busy} frames ` +
              `showed rows still loading`,
          },
        ];
      } finally {
        await browser.dispose();
        await host.stop();
        removeTempDir(copy);
      }
    },
  };
}
