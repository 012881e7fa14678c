/**
 * Least privilege in the console (issue 11): the printed URL works once; the ticket rules refuse agent01 taking a
 * ticket someone else holds, by name and with the reason; raising to P1 and cancelling ask for a reason first, in
 * a one-line dialog driven from the keyboard (Enter confirms, an empty reason is refused, Esc leaves the ticket
 * as it was), in zh-CN and in English; the reason reaches the server with the change.
 */
import { expect, test, type Page } from '@playwright/test';
import { TICKET_CODE, apiToken, signIn, useStack } from './stack';

const stack = useStack();

interface ApiTicket {
  id: string;
  code: string;
  status: string;
  priority: number;
  assigneeId: string | null;
  teamId: string | null;
}

async function api<T>(token: string, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${stack().serverUrl}/api/v1/${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
  expect(res.ok, `${path}: ${res.status}`).toBe(true);
  return (await res.json()) as T;
}

/** Ctrl+K, the code, Enter: the ticket is open and under the cursor. */
async function jumpTo(page: Page, code: string): Promise<void> {
  await page.getByRole('listbox', { name: '工单' }).focus();
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: '命令面板' });
  await expect(palette).toBeVisible();
  await page.keyboard.type(code);
  await expect(palette.getByRole('option', { name: new RegExp(code) })).toBeVisible({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('region', { name: '工单详情' }).locator('.detail-code')).toHaveText(code);
}

test('the printed console URL works once: a second browser is refused with a clear page', async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  try {
    const page = await context.newPage();
    const res = await page.goto(stack().printedUrl);
    expect(res?.status()).toBe(403);
    await expect(page.getByRole('heading', { name: 'This link has already been used' })).toBeVisible();
    await expect(page.getByRole('heading', { name: '此链接已使用过' })).toBeVisible();
  } finally {
    await context.close();
  }
});

test('refusals by name; reasons asked for first, by keyboard, in both languages', async ({ page }) => {
  test.setTimeout(240_000);
  const token = await apiToken(stack().serverUrl);
  const me = (await api<{ user: { id: string; teamId: string | null } }>(token, 'me')).user;
  // A repair a technician of another team holds: agent01 may note it, not take it.
  const candidates: ApiTicket[] = [];
  for (const status of ['acknowledged', 'dispatched', 'on_site']) {
    candidates.push(...(await api<{ items: ApiTicket[] }>(token, `tickets?status=${status}&limit=100`)).items);
  }
  const held = candidates.find((t) => t.assigneeId !== null && t.assigneeId !== me.id && t.teamId !== me.teamId);
  expect(held, 'the demo has a repair a technician holds').toBeTruthy();
  // A fresh one of agent01's own.
  const mine = await api<ApiTicket>(token, 'tickets', {
    method: 'POST',
    body: JSON.stringify({ type: 'repair', category: 'plumbing', title: '阳台地漏返水', channel: 'phone' }),
  });
  expect(mine.code).toMatch(TICKET_CODE);

  await signIn(page, stack().consoleUrl);

  // Shift+A on someone else's ticket: refused, saying why, and nothing changes.
  await jumpTo(page, held!.code);
  await page.keyboard.press('Shift+A');
  await expect(
    page.getByRole('alert').filter({ hasText: `${held!.code}：改派他人的工单须由主管或管理员操作` }),
  ).toBeVisible();
  const after = await api<{ ticket: ApiTicket }>(token, `tickets/${held!.id}`);
  expect(after.ticket.assigneeId).toBe(held!.assigneeId);

  // p 1 on one's own ticket: the reason first. Empty is refused; Enter confirms.
  await jumpTo(page, mine.code);
  await page.keyboard.press('p');
  await page.keyboard.press('1');
  const ask = page.getByRole('dialog', { name: `填写原因 · ${mine.code}` });
  await expect(ask).toBeVisible();
  await expect(ask).toContainText('将工单升为 P1 须说明原因');
  await expect(ask.getByLabel('原因', { exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(ask.getByRole('alert')).toHaveText('请填写原因');
  await page.keyboard.type('水已漫到楼下');
  await page.keyboard.press('Enter');
  await expect(ask).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: `${mine.code} 优先级改为 P1` })).toBeVisible();
  await expect
    .poll(async () => (await api<{ ticket: ApiTicket }>(token, `tickets/${mine.id}`)).ticket.priority, {
      timeout: 15_000,
    })
    .toBe(1);
  const events = (await api<{ events: { kind: string; data: Record<string, unknown> }[] }>(token, `tickets/${mine.id}`))
    .events;
  expect(events.find((e) => e.kind === 'edit')?.data.reason).toBe('水已漫到楼下');

  // s → 已取消: asks why; Esc (nothing typed) leaves the ticket as it was.
  await page.getByRole('listbox', { name: '工单' }).focus();
  await page.keyboard.press('s');
  const steps = page.getByRole('dialog', { name: `推进 ${mine.code}` });
  await expect(steps).toBeVisible();
  await page.keyboard.type('已取消');
  await page.keyboard.press('Enter');
  await expect(ask).toBeVisible();
  await expect(ask).toContainText('取消工单须说明原因');
  await page.keyboard.press('Escape');
  await expect(ask).toBeHidden();
  expect((await api<{ ticket: ApiTicket }>(token, `tickets/${mine.id}`)).ticket.status).toBe('new');

  // The same question in English.
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('listbox', { name: 'Tickets' }).focus();
  await page.keyboard.press('p');
  await page.keyboard.press('0');
  const english = page.getByRole('dialog', { name: `Reason · ${mine.code}` });
  await expect(english).toContainText('Raising a ticket to P0 needs a reason');
  await page.keyboard.press('Escape');
  await expect(english).toBeHidden();
  await page.getByRole('button', { name: '中文' }).click();
});
