/**
 * The lobby kiosk and display (issue 12 §4), each on its own browser host as a lobby machine runs it, signed in with
 * the kiosk account: take a number, report a repair for a demo unit, check its status, the idle warning and reset
 * (Playwright's clock), an agent calling the next number from the console and the display showing it live; axe-core
 * on every kiosk screen and on the display (no serious or critical violation).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { TICKET_CODE, apiToken, signIn, startLobbyHost, useStack, type LobbyHost } from './stack';

const stack = useStack();
let kiosk: LobbyHost;
let display: LobbyHost;
/** Filled by the repair test, read by the status test. */
const filed = { code: '', last4: '' };

test.beforeAll(async () => {
  kiosk = await startLobbyHost(stack(), 'kiosk');
  display = await startLobbyHost(stack(), 'display');
});

test.afterAll(async () => {
  await kiosk?.stop();
  await display?.stop();
});

async function expectAccessible(page: Page, screen: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = serious.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`,
  );
  expect(report, `${screen}: serious or critical axe violations`).toEqual([]);
}

/** A page of the lobby host, signed in with the kiosk account (the first time the host is used). */
async function openLobby(browser: Browser, host: LobbyHost, options: { clock?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ storageState: host.storageState, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  if (options.clock) await page.clock.install();
  await page.goto(host.url);
  const username = page.getByLabel('账号 / Username');
  const ready = page.getByRole('heading', { name: /欢迎光临|叫号屏/ });
  await expect(username.or(ready)).toBeVisible({ timeout: 60_000 });
  if (await username.isVisible()) {
    await expectAccessible(page, 'lobby sign-in');
    await username.fill('kiosk01');
    await page.getByLabel('密码 / Password').fill('demo');
    await page.getByRole('button', { name: /登录/ }).click();
  }
  await expect(ready).toBeVisible({ timeout: 30_000 });
  return page;
}

/** A demo resident with a unit and a phone on file: the room and the last 4 digits a resident would type. */
async function demoResident(): Promise<{ room: string; last4: string }> {
  const token = await apiToken(stack().serverUrl);
  const res = await fetch(`${stack().serverUrl}/api/v1/residents?q=${encodeURIComponent('张')}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const { items } = (await res.json()) as { items: { units: { code: string }[]; phones: { shown: string }[] }[] };
  const resident = items.find((r) => r.units.length === 1 && /\d{4}$/.test(r.phones[0]?.shown ?? ''));
  expect(resident, 'the demo has a resident with one unit and a phone').toBeTruthy();
  return { room: resident!.units[0]!.code, last4: resident!.phones[0]!.shown.slice(-4) };
}

test('take a number: the line, the number, who is ahead and the wait', async ({ browser }) => {
  const page = await openLobby(browser, kiosk);
  await expectAccessible(page, 'kiosk start');
  await page.getByRole('button', { name: /取号/ }).click();
  await expect(page.getByRole('heading', { name: /请选择业务/ })).toBeVisible();
  await expectAccessible(page, 'kiosk lines');
  await page.getByRole('button', { name: /A · 报修/ }).click();
  const result = page.getByRole('status');
  await expect(result).toContainText(/A\d{3}/);
  await expect(result).toContainText('ahead of you');
  await expectAccessible(page, 'kiosk number');
  await page.getByRole('button', { name: /完成/ }).click();
  await expect(page.getByRole('heading', { name: /欢迎光临/ })).toBeVisible();
  await page.context().close();
});

test('report a repair for a demo unit: code and QR; then check its status by code and last 4', async ({ browser }) => {
  const { room, last4 } = await demoResident();
  const page = await openLobby(browser, kiosk);
  await page.getByRole('button', { name: /报修/ }).click();
  await page.getByLabel(/房号/).fill(room);
  await page.getByLabel(/手机号后四位/).fill(last4);
  await expectAccessible(page, 'repair: who');
  await page.getByRole('button', { name: /下一步/ }).click();
  await expect(page.getByRole('heading', { name: /请选择报修类别/ })).toBeVisible();
  await expectAccessible(page, 'repair: category');
  await page.getByRole('button', { name: /水管/ }).click();
  await page.getByRole('textbox', { name: /补充说明/ }).fill('卫生间地漏返水');
  await expectAccessible(page, 'repair: words');
  await page.getByRole('button', { name: /提交/ }).click();
  const receipt = page.getByRole('status');
  await expect(receipt).toContainText(TICKET_CODE, { timeout: 15_000 });
  await expect(receipt.getByRole('img', { name: /工单号二维码/ })).toBeVisible();
  await expectAccessible(page, 'repair: code');
  filed.code = (await receipt.locator('.kiosk-code').textContent())!.trim();
  filed.last4 = last4;
  await page.getByRole('button', { name: /完成/ }).click();

  await page.getByRole('button', { name: /查询进度/ }).click();
  await page.getByLabel(/工单号/).fill(filed.code.toLowerCase());
  await page.getByLabel(/手机号后四位/).fill(last4 === '0000' ? '1111' : '0000');
  await page.getByRole('button', { name: /提交/ }).click();
  await expect(page.getByRole('alert')).toContainText('do not match our records');
  await expectAccessible(page, 'status: refused');
  await page.getByLabel(/手机号后四位/).fill(last4);
  await page.getByRole('button', { name: /提交/ }).click();
  const answer = page.getByRole('status');
  await expect(answer).toContainText(filed.code);
  await expect(answer).toContainText('待受理');
  await expect(answer).toContainText(/前完成此步|has no time limit|paused/);
  await expectAccessible(page, 'status: answer');
  await page.context().close();
});

test('idle: "Still there?" after 30 s, a touch extends, 20 s more without one resets and wipes', async ({
  browser,
}) => {
  const page = await openLobby(browser, kiosk, { clock: true });
  await page.getByRole('button', { name: /报修/ }).click();
  await page.getByLabel(/房号/).fill('3-1-502');
  const warning = page.getByRole('alertdialog', { name: /还在吗/ });

  await page.clock.runFor(29_000);
  await expect(warning).toBeHidden();
  await page.clock.runFor(2_000);
  await expect(warning).toBeVisible();
  await expect(warning).toContainText(/1\d 秒后返回首页/);
  await expectAccessible(page, 'idle warning');
  // A touch anywhere: the warning closes, what was typed stays.
  await page.mouse.click(5, 5);
  await expect(warning).toBeHidden();
  await expect(page.getByLabel(/房号/)).toHaveValue('3-1-502');

  await page.clock.runFor(31_000);
  await expect(warning).toBeVisible();
  await page.clock.runFor(20_000);
  await expect(warning).toBeHidden();
  await expect(page.getByRole('heading', { name: /欢迎光临/ })).toBeVisible();
  await page.getByRole('button', { name: /报修/ }).click();
  await expect(page.getByLabel(/房号/)).toHaveValue('');
  await page.context().close();
});

test('an agent calls the next number from the console (q n) and the lobby display shows it live', async ({
  browser,
  page,
}) => {
  test.setTimeout(180_000);
  const screen = await openLobby(browser, display);
  await expectAccessible(screen, 'display');
  // A fresh number, so the line has someone waiting whatever the tests before left.
  const lobby = await openLobby(browser, kiosk);
  await lobby.getByRole('button', { name: /取号/ }).click();
  await lobby.getByRole('button', { name: /C · 咨询/ }).click();
  await expect(lobby.getByRole('status')).toContainText(/C\d{3}/);
  await expect(screen.locator('.display-line').filter({ hasText: 'C · 咨询' })).toContainText(/C\d{3}/);

  await signIn(page, stack().consoleUrl);
  await page.getByRole('listbox', { name: '工单' }).focus();
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog')).toContainText('柜台叫号：叫下一位');
  await page.keyboard.press('Escape');
  await page.getByRole('listbox', { name: '工单' }).focus();
  await page.keyboard.press('q');
  await page.keyboard.press('n');
  const notice = page.getByText(/已叫 [ABC]\d{3} 到 1 号窗口/);
  await expect(notice).toBeVisible({ timeout: 15_000 });
  const label = /已叫 ([ABC]\d{3})/.exec((await notice.textContent())!)![1]!;

  const calling = screen.locator('.display-latest');
  await expect(calling).toContainText(label, { timeout: 15_000 });
  await expect(calling).toHaveAttribute('aria-live', 'polite');
  await expect(calling).toContainText(`请 ${label} 号到 1 号窗口`);
  await expectAccessible(screen, 'display calling');
  await screen.context().close();
  await lobby.context().close();
});
