/**
 * axe-core over the console's screens as an agent reaches them by keyboard (sign-in, the list with a ticket open,
 * intake, search, the help overlay, the command palette), in zh-CN and in English: no serious or critical
 * violation. Each violation is printed with the elements it names, so a failure says what to fix.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { TICKET_CODE, useStack } from './stack';

const stack = useStack();

async function expectAccessible(page: Page, screen: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = serious.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`,
  );
  expect(report, `${screen}: serious or critical axe violations`).toEqual([]);
}

for (const language of ['zh-CN', 'en'] as const) {
  test(`no serious or critical axe violation on the agent's screens (${language})`, async ({ browser }) => {
    test.setTimeout(180_000);
    const context = await browser.newContext({
      locale: language,
      viewport: { width: 1600, height: 1000 },
      storageState: stack().storageState,
    });
    const page = await context.newPage();
    await page.goto(stack().consoleUrl);
    await page.evaluate(`localStorage.setItem('desk.language', '${language}')`); // the console's language switch
    await page.reload();

    const userName = page.getByLabel(language === 'en' ? 'Username' : '用户名');
    const list = page.getByRole('listbox', { name: language === 'en' ? 'Tickets' : '工单' });
    await expect(userName.or(list)).toBeVisible({ timeout: 60_000 });
    if (await userName.isVisible()) {
      await expectAccessible(page, 'sign-in');
      await userName.fill('agent01');
      await page.keyboard.press('Tab');
      await page.keyboard.type('demo');
      await page.keyboard.press('Enter');
    }
    await expect(list.getByRole('option').first()).toContainText(TICKET_CODE, { timeout: 60_000 });
    await list.focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('.ticket-detail .detail-code')).toHaveText(TICKET_CODE);
    await expectAccessible(page, 'list with a ticket open');

    for (const [key, screen] of [
      ['n', 'intake'],
      ['/', 'search'],
      ['?', 'help overlay'],
      ['Control+k', 'command palette'],
    ] as const) {
      await list.focus();
      await page.keyboard.press(key);
      await expect(page.getByRole('dialog')).toBeVisible();
      if (screen === 'search') await page.keyboard.type(language === 'en' ? 'leak' : '漏水');
      await expectAccessible(page, screen);
      await page.keyboard.press('Escape');
      if (screen === 'search') await page.keyboard.press('Escape'); // the first Esc clears the field
      await expect(page.getByRole('dialog')).toHaveCount(0);
    }
    await context.close();
  });
}
