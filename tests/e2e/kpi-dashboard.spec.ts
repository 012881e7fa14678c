/**
 * The KPI dashboard in the browser host, as a shift lead reaches it by keyboard (issue 12 item 3): `g d` opens it on
 * the demo data; its figures are the server's (checked against GET /api/v1/kpi for the same range); a metric's
 * definition shows on keyboard focus and on hover; Export saves the CSV with the same numbers; axe-core finds no
 * serious or critical violation; Esc closes it. An agent has no such screen.
 */
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { KPI_BY_ID, type KpiReport } from '../../common/kpi';
import { apiToken, signIn, useStack } from './stack';

const stack = useStack();

async function expectAccessible(page: Page, screen: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = serious.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`,
  );
  expect(report, `${screen}: serious or critical axe violations`).toEqual([]);
}

async function openByKeyboard(page: Page): Promise<void> {
  await page.getByRole('listbox', { name: '工单' }).focus();
  await page.keyboard.press('g');
  await page.keyboard.press('d');
}

test('a lead opens the KPI dashboard with g d: server figures, definitions on focus, CSV, axe clean', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signIn(page, stack().consoleUrl, { username: 'lead01', signOutFirst: true });
  await openByKeyboard(page);
  const dialog = page.getByRole('dialog', { name: 'KPI 看板' });
  await expect(dialog).toBeVisible();

  // The figures are the server's for the range on screen (the last seven days by default).
  const from = await dialog.getByLabel('开始日期').inputValue();
  const to = await dialog.getByLabel('结束日期').inputValue();
  const token = await apiToken(stack().serverUrl, 'lead01');
  const res = await fetch(`${stack().serverUrl}/api/v1/kpi?period=day&group=all&from=${from}&to=${to}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  const api = (await res.json()) as KpiReport;
  const total = api.totals[0]!.values;
  expect(total.tickets, 'the demo seed has tickets in the last seven days').toBeGreaterThan(0);
  const table = dialog.getByRole('table', { name: '汇总（整个范围）' });
  await expect(table.locator('td[data-kpi="tickets"]')).toHaveText(total.tickets!.toLocaleString('zh-CN'));
  await expect(table.locator('td[data-kpi="completionRate"]')).toHaveText(
    `${(total.completionRate! * 100).toFixed(1)}%`,
  );
  await expect(dialog.getByRole('img', { name: /首次响应时长（中位数）：按日/ })).toBeVisible();

  // A metric's definition on keyboard focus, and another's on hover.
  const term = table.getByRole('button', { name: '办结率' });
  await term.focus();
  await expect(term).toBeFocused();
  const tip = table.getByRole('tooltip').filter({ hasText: KPI_BY_ID.completionRate.definitionZh });
  await expect(tip).toBeVisible();
  await expect(term).toHaveAccessibleDescription(KPI_BY_ID.completionRate.definitionZh);
  await table.getByRole('button', { name: '接通率' }).hover();
  await expect(table.getByRole('tooltip').filter({ hasText: KPI_BY_ID.callAnswerRate.definitionZh })).toBeVisible();

  await expectAccessible(page, 'KPI dashboard');

  // Export by keyboard: the CSV holds the same numbers, with a BOM for Excel.
  const exportButton = dialog.getByRole('button', { name: '导出 CSV' });
  await exportButton.focus();
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  expect(download.suggestedFilename()).toBe(`kpi-day-all-${from}-${to}.csv`);
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv.startsWith('\uFEFF')).toBe(true);
  const totalLine = csv
    .slice(1)
    .split('\r\n')
    .find((line) => line.startsWith('合计 Total'));
  expect(totalLine?.split(',')[3]).toBe(String(total.tickets));
  await expect(dialog.getByRole('status').filter({ hasText: '已导出' })).toBeVisible();

  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});

test('an agent has no KPI dashboard', async ({ page }) => {
  await signIn(page, stack().consoleUrl, { username: 'agent01', signOutFirst: true });
  await openByKeyboard(page);
  // g d did nothing: no dialog, the list keeps focus.
  await expect(page.getByRole('listbox', { name: '工单' })).toBeFocused();
  await expect(page.getByRole('dialog', { name: 'KPI 看板' })).toHaveCount(0);
});
