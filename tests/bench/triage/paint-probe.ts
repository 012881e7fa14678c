/**
 * The in-page half of the console benches (DESIGN.md §9 rule 1): when did the visible result of a key reach the
 * screen? An init script (plain JavaScript: this project's Node typings have no DOM) that the bench arms before
 * each key with a test of the DOM ("the cursor row is ticket n+1", "the detail shows the new assignee"):
 *
 * - start: the keydown's `event.timeStamp`. Playwright presses keys through CDP `Input.dispatchKeyEvent`; Chromium
 *   stamps the event when the browser process receives it, so the figure includes the hop to the renderer and any
 *   time the key waits behind other work on the page's main thread. A `performance.now()` taken in the page just
 *   before dispatching would need its own round trip through that same main thread, and would leave the wait out.
 * - end: a MutationObserver re-runs the test after every DOM change; the first time it holds, the next
 *   requestAnimationFrame callback is the frame that paints it, and `performance.now()` in that callback is the
 *   figure's end (that frame's style, layout and paint follow it; Chromium's default 60 Hz frame pacing, no flags).
 *
 * The first visible list rows of a start are caught the same way, without a key: `firstRowsAt` (epoch ms, so
 * the bench can compare it with the time it spawned the host).
 */
import type { Page } from '@playwright/test';

export const PAINT_PROBE = `(() => {
  const probe = { pending: null, done: [], firstRowsAt: null };
  window.__paint = probe;
  // test null: no result to wait for, the next frame after the key ends it (the baseline: an unbound key).
  probe.arm = (label, key, test) => {
    const rec = { label, key, test, keyAt: null, ms: null, error: null };
    if (test && test()) rec.error = 'the result showed before the key';
    probe.pending = rec;
  };
  const finish = (rec) => {
    rec.ms = performance.now() - rec.keyAt;
    delete rec.test;
    probe.done.push(rec);
    if (probe.pending === rec) probe.pending = null;
  };
  window.addEventListener('keydown', (event) => {
    const rec = probe.pending;
    if (!rec || rec.keyAt !== null || event.key !== rec.key) return;
    rec.keyAt = event.timeStamp;
    if (!rec.test) requestAnimationFrame(() => finish(rec));
  }, true);
  let seen = false;
  const check = () => {
    if (probe.firstRowsAt === null && !seen &&
        document.querySelector('[role="listbox"] [role="option"]:not([aria-busy])')) {
      seen = true;
      requestAnimationFrame(() => { probe.firstRowsAt = performance.timeOrigin + performance.now(); });
    }
    const rec = probe.pending;
    if (!rec || !rec.test || rec.keyAt === null || rec.error !== null || rec.seenAt !== undefined) return;
    if (!rec.test()) return;
    rec.seenAt = performance.now();
    requestAnimationFrame(() => finish(rec));
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, attributes: true, characterData: true,
  });
})();`;

export interface PaintSample {
  label: string;
  ms: number;
}

/** DOM tests, as JavaScript expressions over the page (arguments JSON-encoded by the caller). */
export const tests = {
  /** The listbox's cursor row (aria-selected) is row `index` (0-based) of `view`, with its ticket drawn. */
  cursorAt: (view: string, index: number) =>
    `(() => { const el = document.getElementById(${JSON.stringify(`ticket-option-${view}-${index}`)});
      return !!el && el.getAttribute('aria-selected') === 'true' && !el.hasAttribute('aria-busy'); })()`,
  /** The cursor row is a drawn row of `view` below row `index`. */
  cursorBelow: (view: string, index: number) =>
    `(() => { const el = document.querySelector('[role="listbox"] [role="option"][aria-selected="true"]:not([aria-busy])');
      return !!el && el.id.startsWith(${JSON.stringify(`ticket-option-${view}-`)}) &&
        Number(el.getAttribute('aria-posinset')) - 1 > ${index}; })()`,
  /** The cursor row is a drawn row of `view` (any index). */
  cursorIn: (view: string) =>
    `(() => { const el = document.querySelector('[role="listbox"] [role="option"][aria-selected="true"]:not([aria-busy])');
      return !!el && el.id.startsWith(${JSON.stringify(`ticket-option-${view}-`)}); })()`,
  /** The ticket detail shows the ticket with this code (the cursor row shows it too, when `withCursor`). */
  detailOf: (code: string, withCursor = false) =>
    `(() => { const c = document.querySelector('.ticket-detail .detail-code');
      if (!c || c.textContent !== ${JSON.stringify(code)}) return false;
      ${
        withCursor
          ? `const row = document.querySelector('[role="listbox"] [role="option"][aria-selected="true"] .row-code');
      return !!row && row.textContent === ${JSON.stringify(code)};`
          : 'return true;'
      } })()`,
  /** The detail of this ticket shows `name` as its assignee (the fact labelled `label`). */
  assigneeShown: (code: string, label: string, name: string) =>
    `(() => { const c = document.querySelector('.ticket-detail .detail-code');
      if (!c || c.textContent !== ${JSON.stringify(code)}) return false;
      for (const fact of document.querySelectorAll('.ticket-detail .fact')) {
        if (fact.querySelector('dt')?.textContent === ${JSON.stringify(label)})
          return fact.querySelector('dd')?.textContent === ${JSON.stringify(name)};
      }
      return false; })()`,
};

export class PaintTimeoutError extends Error {}

/**
 * Polls a JavaScript expression in the page until it is true. Not page.waitForFunction: that evaluates its string
 * with eval inside the page, which the console's Content-Security-Policy (script-src 'self') forbids; evaluate goes
 * through the DevTools protocol, which the policy does not govern.
 */
export async function waitUntil(page: Page, expression: string, timeoutMs = 10_000, everyMs = 25): Promise<void> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate<boolean>(`!!(${expression})`)) return;
    if (performance.now() > until) throw new PaintTimeoutError(`not true within ${timeoutMs} ms: ${expression}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, everyMs));
  }
}

/**
 * Arms `test` (a JavaScript expression), presses `key` (Playwright's name, e.g. "Shift+A"; `domKey` is the
 * keydown's `event.key`, e.g. "A"), and resolves with keydown → the frame that paints the result.
 */
export async function timeKey(
  page: Page,
  label: string,
  key: string,
  test: string | null,
  domKey = key,
  timeoutMs = 10_000,
): Promise<PaintSample> {
  const testFn = test === null ? 'null' : `() => ${test}`;
  await page.evaluate(`window.__paint.arm(${JSON.stringify(label)}, ${JSON.stringify(domKey)}, ${testFn})`);
  const error = await page.evaluate<string | null>('window.__paint.pending?.error ?? null');
  if (error !== null) throw new Error(`${label}: ${error}`);
  await page.keyboard.press(key);
  try {
    await waitUntil(page, 'window.__paint.pending === null', timeoutMs);
  } catch {
    await page.evaluate('window.__paint.pending = null');
    throw new PaintTimeoutError(`${label}: the result was not painted within ${timeoutMs} ms`);
  }
  const ms = await page.evaluate<number>('window.__paint.done.at(-1).ms');
  return { label, ms };
}

/** Epoch ms of the frame that painted the first list rows drawn with their ticket (null until then). */
export const firstRowsAt = (page: Page) => page.evaluate<number | null>('window.__paint.firstRowsAt');
