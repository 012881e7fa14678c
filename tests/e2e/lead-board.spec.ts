/**
 * The lead board (issue 12 item 1) in Chromium against the real stack with demo data: a lead opens it with `g l`,
 * axe-core finds no serious or critical violation on it, a ticket is reassigned by keyboard alone (j, a, pick,
 * reason, Enter), and a whole queue is moved with a reason while a second console, signed in as the receiving
 * agent, shows the live notice.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { apiToken, fileBreachedRepair, signIn, startExtraConsole, useStack, type ExtraConsole } from './stack';

const stack = useStack();

async function loginUser(serverUrl: string, username: string): Promise<{ id: string; name: string }> {
  const res = await fetch(`${serverUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'demo' }),
  });
  expect(res.ok).toBe(true);
  return ((await res.json()) as { user: { id: string; name: string } }).user;
}

async function openBoard(page: Page) {
  await page.getByRole('listbox', { name: '工单' }).focus();
  await page.keyboard.press('g');
  await page.keyboard.press('l');
  const board = page.getByRole('dialog', { name: '组长看板' });
  await expect(board.getByRole('heading', { name: '队列' })).toBeVisible({ timeout: 30_000 });
  return board;
}

test('lead board: axe, keyboard reassignment, and a queue move seen live on the agent console', async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  let agentConsole: ExtraConsole | null = null;
  try {
    await page.setViewportSize({ width: 1600, height: 1000 });
    // The demo's risk list depends on the hour it was seeded for (at some hours it holds one ticket or none): two
    // P0 repairs, breached from the start (respond limit 0), make sure there are two rows to move.
    const agentToken = await apiToken(stack().serverUrl);
    for (const title of ['水管爆裂 1', '水管爆裂 2'])
      await fileBreachedRepair(stack().serverUrl, agentToken, { title });
    await signIn(page, stack().consoleUrl, { username: 'lead01', signOutFirst: true });
    const board = await openBoard(page);
    await expect(board.locator('.lead-risk-row', { hasText: '水管爆裂 2' })).toBeVisible();

    const { violations } = await new AxeBuilder({ page }).include('dialog.lead-board').analyze();
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(
      serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      'lead board: serious or critical axe violations',
    ).toEqual([]);

    // Keyboard only: the first ticket at risk, `a`, an agent, a reason, Enter.
    const receiver = await loginUser(stack().serverUrl, 'agent02');
    const firstRow = board.locator('.lead-risk-row').first();
    await expect(firstRow).toBeVisible();
    const ticketId = await firstRow.getAttribute('data-ticket');
    await firstRow.locator('.lead-risk-handle').focus();
    await page.keyboard.press('a');
    const move = page.getByRole('dialog', { name: /^转派/ });
    await expect(move.getByLabel('转派给')).toBeFocused();
    await move.getByLabel('转派给').selectOption(receiver.id);
    await page.keyboard.press('Tab');
    await page.keyboard.type('键盘转派测试');
    await page.keyboard.press('Enter');
    await expect(move).toBeHidden();
    await expect(page.getByText(`已转派 1 张工单给 ${receiver.name}`)).toBeVisible();
    await expect(board.locator(`.lead-risk-row[data-ticket="${ticketId}"]`)).toContainText(receiver.name);

    // Keyboard drag (@dnd-kit KeyboardSensor): Space picks up the second ticket, ↓ goes to the first agent card,
    // Space drops it there; a ticket someone else holds then asks for the reason with that agent chosen.
    await expect(page.getByText(/已转派 1 张工单给/)).toBeHidden(); // the first move's notice has gone
    const second = board.locator('.lead-risk-row').nth(1);
    await second.locator('.lead-risk-handle').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    await expect(board.locator('.lead-agent.lead-drop-over')).toHaveCount(1);
    const target = await board.locator('.lead-agent.lead-drop-over').getAttribute('data-agent');
    await page.keyboard.press('Space');
    const done = page.getByText(/已转派 1 张工单给|没有需要转派的工单/);
    await expect(move.or(done)).toBeVisible();
    if (await move.isVisible()) {
      await expect(move.getByLabel('转派给')).toHaveValue(target ?? '');
      await move.getByLabel('原因').fill('拖放转派测试');
      await page.keyboard.press('Enter');
      await expect(done).toBeVisible();
    }

    // The receiving agent's own console, on the same server.
    agentConsole = await startExtraConsole(stack().serverUrl);
    const agentContext = await browser.newContext({ locale: 'zh-CN', storageState: agentConsole.storageState });
    const agentPage = await agentContext.newPage();
    await signIn(agentPage, agentConsole.consoleUrl, { username: 'agent02' });

    // The smallest non-empty team queue, moved whole with a reason.
    const rows = board.locator('.lead-queues tbody tr[data-queue]:not([data-queue=""])');
    const counts: { queue: string; open: number }[] = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      const open = Number(await row.locator('[data-count="open"]').textContent());
      counts.push({ queue: (await row.getAttribute('data-queue')) ?? '', open });
    }
    const smallest = counts.filter((c) => c.open > 0).sort((a, b) => a.open - b.open)[0];
    expect(smallest, 'a team queue with open tickets in the demo data').toBeTruthy();
    await board.locator(`tr[data-queue="${smallest!.queue}"]`).getByRole('button').click();
    await move.getByLabel('转派给').selectOption(receiver.id);
    await move.getByRole('button', { name: '转派' }).click();
    await expect(move.getByRole('alert')).toHaveText('请填写原因'); // required, nothing moved
    await move.getByLabel('原因').fill('早班交接');
    await move.getByRole('button', { name: '转派' }).click();
    await expect(move).toBeHidden();
    await expect(board.locator(`tr[data-queue="${smallest!.queue}"] [data-count="open"]`)).toHaveText(
      String(smallest!.open),
    );

    await expect(agentPage.getByText(/已由 .+ 转派给您.*早班交接/)).toBeVisible({ timeout: 30_000 });
    await agentContext.close();
  } finally {
    await agentConsole?.stop();
  }
});
