/**
 * The foundation's end-to-end path, driven like an agent would: sign in, see demo tickets, open one, change its
 * status, see the central server hold it within 2 s, reload and find the session and the change intact.
 * Runs against the browser host in Debian Chromium, and through `_electron` when an Electron binary exists.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { _electron, expect, test, type Page } from '@playwright/test';
import { apiToken, useStack } from './stack';

const stack = useStack();

async function serverTicket(token: string, query: string) {
  const res = await fetch(`${stack().serverUrl}/api/v1/${query}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return res.json();
}

/** `current()` gives the page to drive: the Electron variant gets a new window after its restart. */
async function agentScenario(current: () => Page, reload: () => Promise<void>) {
  let page = current();
  await page.getByLabel('用户名').fill('agent01');
  await page.getByLabel('密码').fill('demo');
  await page.getByRole('button', { name: '登录' }).click();

  const list = page.getByRole('listbox', { name: '工单' });
  const mine = page.getByRole('navigation', { name: '视图' }).getByRole('button', { name: /我的/ });
  await mine.click();
  await expect(mine).toHaveAttribute('aria-current', 'true');
  await expect(list.getByRole('option').first()).toBeVisible({ timeout: 60_000 });

  // Open the first of my tickets whose next step needs no SOP record (those steps are disabled in the select) and
  // no reason (a cancellation asks for one first, issue 11).
  const detail = page.getByRole('region', { name: '工单详情' });
  const freeStep = detail
    .getByLabel('下一步状态')
    .locator('option:not([value=""]):not([disabled]):not([value="cancelled"])');
  for (let i = 0; i < 20; i++) {
    await list.getByRole('option').nth(i).click();
    await expect(detail).toContainText(/[A-Z]{2}-\d{8}-\d{4}/);
    if ((await freeStep.count()) > 0) break;
  }
  // The code is read from the detail pane: what the agent actually opened.
  const code = /[A-Z]{2}-\d{8}-\d{4}/.exec(await detail.innerText())![0];
  const next = detail.getByLabel('下一步状态');
  const choice = next.locator('option:not([value=""]):not([disabled]):not([value="cancelled"])').first();
  const [nextStatus, nextLabel] = [await choice.getAttribute('value'), (await choice.innerText()).trim()];
  expect(nextStatus).toBeTruthy();

  const token = await apiToken(stack().serverUrl);
  const found = (await serverTicket(token, `tickets?q=${encodeURIComponent(code)}`)) as { items: { id: string }[] };
  const id = found.items[0]!.id;

  await next.selectOption(nextStatus!);
  const clickedAt = Date.now();
  await detail.getByRole('button', { name: '更新状态' }).click();
  await expect
    .poll(async () => ((await serverTicket(token, `tickets/${id}`)) as { ticket: { status: string } }).ticket.status, {
      timeout: 2_000,
      intervals: [100],
    })
    .toBe(nextStatus);
  console.log(`status reached the server ${Date.now() - clickedAt} ms after the click`);

  await reload();
  page = current();
  await expect(page.getByLabel('用户名')).toHaveCount(0);
  // "All tickets", newest change first: the new status may have closed the ticket.
  await page.getByRole('navigation', { name: '视图' }).getByRole('button', { name: /全部/ }).click();
  const again = page.getByRole('listbox', { name: '工单' }).getByRole('option').filter({ hasText: code });
  await expect(again).toBeVisible({ timeout: 20_000 });
  await again.click();
  // The status chip, not the whole pane: the SOP card lists next-step labels too.
  await expect(page.getByRole('region', { name: '工单详情' }).locator('.detail-heading .status-chip')).toHaveText(
    nextLabel,
  );
}

test('agent signs in, changes a ticket status, the server has it, reload keeps everything', async ({ page }) => {
  await page.goto(stack().consoleUrl);
  await agentScenario(
    () => page,
    () => page.reload().then(() => undefined),
  );
});

function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

test.describe('Electron shell @electron', () => {
  const executablePath = electronBinary();
  // Declared skip: the stack is not even started when there is no binary.
  if (!executablePath) console.log('skipped: no Electron binary (it cannot be downloaded here)');
  test.skip(!executablePath, 'skipped: no Electron binary');

  test('the same scenario in the Electron shell', async () => {
    const launch = () =>
      _electron.launch({
        executablePath: executablePath!,
        args: [
          resolve(import.meta.dirname, '../..'),
          '--server',
          stack().serverUrl,
          '--profile',
          `${stack().dir}/electron`,
        ],
      });
    let app = await launch();
    let page = await app.firstWindow();
    await agentScenario(
      () => page,
      async () => {
        await app.close();
        app = await launch();
        page = await app.firstWindow();
      },
    );
    await app.close();
  });
});
