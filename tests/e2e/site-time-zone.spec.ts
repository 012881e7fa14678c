/**
 * Issue 9 point 3, on screen: a PC whose clock runs in another zone still shows the site's times and one phone form.
 * The browser runs in America/Los_Angeles (15–16 h behind China); for the first tickets of the list, the created
 * date in the detail must be the date in the ticket's code (the server's China date), and the phone must read
 * "138 **** 5272" or "021 **** 5678" / "0755 **** 6789" (masked, issue 11 §4), however the number was stored; its
 * reveal reads "138 1390 5272" or "021 6234 5678" / "0755 2345 6789", and searching for that whole number finds the
 * ticket with its (masked) phone marked.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { TICKET_CODE, apiToken, signIn as signInAs, useStack } from './stack';

const stack = useStack();

test.use({ timezoneId: 'America/Los_Angeles' });

const MOBILE = /^\d{3} \d{4} \d{4}$/;
const LANDLINE = /^0\d{2,3} \d{3,4} \d{4}$/;
const MASKED_MOBILE = /^\d{3} \*{4} \d{4}$/;
const MASKED_LANDLINE = /^0\d{2,3} \*{3,4} \d{4}$/;
const TICKETS = 8;

/** The value of one fact ("创建时间", "电话") in the detail's fact grid. */
function fact(detail: Locator, label: string): Locator {
  return detail
    .locator('.fact')
    .filter({ has: detail.page().locator('dt', { hasText: label }) })
    .locator('dd');
}

const signIn = (page: Page) => signInAs(page, stack().consoleUrl);

test('times show in the site zone (Asia/Shanghai) and phones in one national form, on a PC in Los Angeles', async ({
  page,
}) => {
  test.setTimeout(180_000);
  expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('America/Los_Angeles');
  await signIn(page);
  await page.getByRole('navigation', { name: '视图' }).getByRole('button', { name: /全部/ }).click();
  const list = page.getByRole('listbox', { name: '工单' });
  await expect(list.getByRole('option').first()).toContainText(TICKET_CODE, { timeout: 60_000 });

  const detail = page.getByRole('region', { name: '工单详情' });
  const token = await apiToken(stack().serverUrl);
  let differsInLosAngeles = 0;
  let phones = 0;
  let searchFor: { code: string; shown: string; whole: string } | null = null;
  for (let i = 0; i < TICKETS; i++) {
    const row = list.getByRole('option').nth(i);
    const rowCode = TICKET_CODE.exec(await row.innerText())![0];
    await row.click();
    await expect(detail.locator('.detail-code')).toHaveText(rowCode);
    const [, y, m, d] = /^[A-Z]{2}-(\d{4})(\d{2})(\d{2})-/.exec(rowCode)!;

    // "2026年12月3日 01:30": the code's date.
    const created = (await fact(detail, '创建时间').innerText()).trim();
    const [, cy, cm, cd] = /^(\d{4})年(\d{1,2})月(\d{1,2})日/.exec(created) ?? [];
    expect({ code: rowCode, created: `${cy}-${cm?.padStart(2, '0')}-${cd?.padStart(2, '0')}` }).toEqual({
      code: rowCode,
      created: `${y}-${m}-${d}`,
    });

    // Whether this PC's own zone would have shown another day (so the check above can fail).
    const res = await fetch(`${stack().serverUrl}/api/v1/tickets?q=${encodeURIComponent(rowCode)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const found = (await res.json()) as { items: { code: string; createdAt: string; phone: string | null }[] };
    const ticket = found.items.find((t) => t.code === rowCode)!;
    const local = await page.evaluate((iso) => new Date(iso).toLocaleDateString('en-CA'), ticket.createdAt);
    if (local !== `${y}-${m}-${d}`) differsInLosAngeles++;

    // The phone, whatever its stored form ("+8613813905272", "138-1390-5272"…), masked as the server sends it.
    // The number itself (reveal and dial buttons stand beside it).
    const number = fact(detail, '电话').locator('.fact-phone');
    const phone = ticket.phone ? (await number.innerText()).trim() : (await fact(detail, '电话').innerText()).trim();
    if (ticket.phone) {
      await expect(number).toHaveText(new RegExp(`${MASKED_MOBILE.source}|${MASKED_LANDLINE.source}`));
      expect(phone).toBe(ticket.phone);
      if (!searchFor) {
        // Once: the reveal asks the server (and is recorded), then reads in the same national form.
        await fact(detail, '电话')
          .getByRole('button', { name: /完整号码/ })
          .click();
        await expect(number).toHaveText(new RegExp(`${MOBILE.source}|${LANDLINE.source}`));
        const whole = (await number.innerText()).trim();
        expect(whole.slice(-4)).toBe(phone.slice(-4));
        searchFor = { code: rowCode, shown: phone, whole };
      }
      phones++;
    } else {
      expect(phone).toBe('—');
    }

    // The row's date is the creation date, labelled, with both dates in its tooltip.
    const time = row.locator('time.row-time');
    await expect(time).toHaveAttribute('datetime', ticket.createdAt);
    await expect(time).toContainText('创建');
    await expect(time).toHaveAttribute('title', /^创建于 .+；最后更新 .+$/);
  }
  // Demo tickets are created in Chinese working hours: most fall on the previous day in Los Angeles.
  expect(differsInLosAngeles).toBeGreaterThan(0);
  expect(phones).toBeGreaterThan(0);

  await detail.screenshot({ path: test.info().outputPath('detail-los-angeles.png') });

  // Search by the whole number: found by its hash, the result's phone line masked, the whole of it marked.
  await expect(page.getByRole('status', { name: '同步状态' })).toContainText('在线', { timeout: 90_000 });
  await list.focus();
  await page.keyboard.press('/');
  const search = page.getByRole('dialog', { name: '搜索工单' });
  await expect(search.getByRole('combobox', { name: '搜索工单' })).toBeFocused();
  await page.keyboard.type(searchFor!.whole);
  const result = search.getByRole('option').filter({ hasText: searchFor!.code }).first();
  await expect(result).toBeVisible({ timeout: 15_000 });
  const phoneLine = result.locator('.search-snippet').filter({ hasText: '电话' });
  await expect(phoneLine).toContainText(searchFor!.shown);
  await expect(phoneLine.locator('mark')).toHaveText(searchFor!.shown);
  await page.keyboard.press('Escape');
  await page.screenshot({ path: test.info().outputPath('console-los-angeles.png') });
});
