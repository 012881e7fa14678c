/**
 * What the agent sees of sync (issue 3, item 4), in the browser host: the server stops → 离线 and a change waits
 * as 待上传 1; it returns → 在线 and nothing pending; a change the server meanwhile made illegal → a toast says
 * what and why, and the review dialog lists it with its reason and ticket. The server is stopped and restarted
 * on the same port and data folder (stack().ts); the conflicting change is made on a side port while the console
 * still believes the server is down, so the race is deterministic.
 */
import { randomUUID } from 'node:crypto';
import { expect, test, type Locator } from '@playwright/test';
import type { TicketStatus, TicketType } from '../../common/domain';
import { SYNC_SCHEMA_VERSION } from '../../common/sync';
import { canTransition, nextStatuses } from '../../common/workflows';
import { apiToken, useStack } from './stack';

const stack = useStack();

async function serverTicket(baseUrl: string, token: string, id: string) {
  const res = await fetch(`${baseUrl}/api/v1/tickets/${id}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { ticket: { id: string; type: TicketType; status: TicketStatus } }).ticket;
}

/** Picks the first next status in the detail pane (a cancellation would ask for a reason) and submits it. */
async function changeStatus(detail: Locator): Promise<string> {
  const next = detail.getByLabel('下一步状态');
  const value = await next
    .locator('option:not([value=""]):not([disabled]):not([value="cancelled"])')
    .first()
    .getAttribute('value');
  expect(value).toBeTruthy();
  await next.selectOption(value!);
  await detail.getByRole('button', { name: '更新状态' }).click();
  return value!;
}

test('offline, back online, and a rejected change with its toast and review list', async ({ page }) => {
  test.setTimeout(420_000);
  await page.goto(stack().consoleUrl);
  await page.getByLabel('用户名').fill('agent01');
  await page.getByLabel('密码').fill('demo');
  await page.getByRole('button', { name: '登录' }).click();

  const bar = page.getByRole('status', { name: '同步状态' });
  await expect(bar).toContainText('在线', { timeout: 90_000 });

  // A fresh repair from the intake API: its first steps (accepted, dispatched…) need no SOP record.
  const token = await apiToken(stack().serverUrl);
  const intake = await fetch(`${stack().serverUrl}/api/v1/tickets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'repair', category: 'plumbing', title: '卫生间地漏返水', channel: 'wechat' }),
  });
  expect(intake.status).toBe(201);
  const { id, code } = (await intake.json()) as { id: string; code: string };
  // 全部工单 lists newest activity first; the working views order by SLA urgency, where a new P3 is far down.
  const all = page.getByRole('navigation', { name: '视图' }).getByRole('button', { name: /全部工单/ });
  await all.click();
  const row = page.getByRole('listbox', { name: '工单' }).getByRole('option').filter({ hasText: code });
  await expect(row).toBeVisible({ timeout: 30_000 });
  await row.click();
  const detail = page.getByRole('region', { name: '工单详情' });
  await expect(detail).toContainText(code);

  // 1. The server goes away: 离线 (since HH:mm) within seconds (the live socket's failed reconnect makes the engine
  // check; it used to wait for its 30 s interval pull), and a change waits in the outbox.
  await stack().stopServer();
  await expect(bar).toContainText(/离线（自 \d{2}:\d{2}）/, { timeout: 10_000 });
  const offlineStatus = await changeStatus(detail);
  await expect(bar).toContainText('待上传 1');

  // 2. It comes back on the same port: 在线 within the live socket's reconnect cap (8 s), nothing pending, the
  // server has the change.
  await stack().startServer();
  await expect(bar).toContainText('在线', { timeout: 20_000 });
  await expect(bar).not.toContainText('待上传');
  expect((await serverTicket(stack().serverUrl, await apiToken(stack().serverUrl), id)).status).toBe(offlineStatus);

  // 3. Offline again; the agent makes the next change...
  await stack().stopServer();
  await expect(bar).toContainText('离线', { timeout: 60_000 });
  const before = (await detail.getByLabel('下一步状态').locator('option:not([value=""])').allInnerTexts()).length;
  expect(before).toBeGreaterThan(0);
  const consoleStatus = await changeStatus(detail);
  await expect(bar).toContainText('待上传 1');

  // ...while someone else moves the ticket on the server so that the agent's step is no longer allowed.
  const side = await stack().startServer({ port: 0 });
  const sideToken = await apiToken(side, 'lead01');
  const current = await serverTicket(side, sideToken, id);
  // A next status that forbids the agent's step; failing that, the agent's very status (rejected as no change).
  const blocker =
    nextStatuses(current.type, current.status).find(
      (st) => st !== consoleStatus && !canTransition(current.type, st, consoleStatus as TicketStatus),
    ) ?? consoleStatus;
  const push = await fetch(`${side}/api/v1/sync/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${sideToken}` },
    body: JSON.stringify({
      clientId: randomUUID(),
      schemaVersion: SYNC_SCHEMA_VERSION,
      // With a reason: the blocker is usually a cancellation, which needs one (issue 11, common/ticket-access).
      mutations: [
        { id: 1, name: 'ticket.setStatus', args: { id, eventId: randomUUID(), status: blocker, reason: '住户撤回' } },
      ],
    }),
  });
  expect(push.status).toBe(200);
  expect(((await push.json()) as { results: { outcome: string }[] }).results[0]?.outcome).toBe('applied');
  await stack().stopServer();

  // 4. Back on the console's port: the push is rejected → toast (polite status), the review list has the reason.
  await stack().startServer();
  const toast = page.locator('.sync-toasts');
  await expect(toast).toHaveAttribute('role', 'status');
  await expect(toast).toContainText('状态变更被拒绝：', { timeout: 60_000 });
  await expect(bar).toContainText('在线', { timeout: 60_000 });
  await expect(bar).not.toContainText('待上传');

  await bar.getByRole('button', { name: /被拒绝 1/ }).click();
  const dialog = page.getByRole('dialog', { name: '被拒绝的更改' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('状态变更');
  await expect(dialog).toContainText('原因：');
  await expect(dialog.getByRole('button', { name: `打开工单 ${code}` })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // The toast can be dismissed from the keyboard too.
  if (await toast.getByRole('button', { name: '关闭通知' }).count()) {
    await toast.getByRole('button', { name: '关闭通知' }).first().focus();
    await page.keyboard.press('Enter');
    await expect(toast).not.toContainText('被拒绝');
  }

  // Reviewed: open the ticket from the list, then dismiss the rejection.
  await bar.getByRole('button', { name: /被拒绝 1/ }).click();
  await dialog.getByRole('button', { name: `打开工单 ${code}` }).click();
  await expect(dialog).toBeHidden();
  await expect(detail).toContainText(code);
  await bar.getByRole('button', { name: /被拒绝 1/ }).click();
  await dialog.getByRole('button', { name: '全部清除' }).click();
  await expect(bar.getByRole('button', { name: /被拒绝/ })).toHaveCount(0);
  await page.keyboard.press('Escape');
});
