/**
 * Intake by keyboard (issue 4 item 5): `n` opens the screen, a demo resident is found by room number, plumbing is
 * picked by typing, Ctrl+Enter creates the ticket. A second `n` for the same unit and category offers the open
 * ticket instead, and Enter links the call to it (an internal note) — no second ticket.
 *
 * Issue 9: a lookup typed while the residents directory is still downloading (or before it advances) fills in when
 * the change arrives, with no further key press, and the dialog neither moves nor changes size as the results
 * appear; the category suggestions cover none of the fields below them; Esc with typed text asks before
 * discarding it.
 *
 * The first test needs the fresh profile (an empty directory): it runs first, and signs in.
 */
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import type { Resident } from '../../common/domain';
import {
  DIRECTORY_SCHEMA_VERSION,
  isDirectoryTombstone,
  type DirectoryPage,
  type DirectoryResident,
} from '../../common/residents/directory';
import { apiToken, signIn as signInAs, useStack } from './stack';

const stack = useStack();

const ROOM = '3-1-502';
const TITLE = '厨房水管漏水';

const signIn = (page: Page) => signInAs(page, stack().consoleUrl);

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  expect(b, 'on screen').not.toBeNull();
  return b!;
}

/**
 * The last resident the directory download brings (the last page), with a phone to look them up by. The directory
 * carries phones masked (issue 11 §4): the whole number comes from the resident's full record (an audited read).
 */
async function lastResidentWithPhone(): Promise<{ resident: DirectoryResident; phone: string }> {
  const token = await apiToken(stack().serverUrl);
  const headers = { authorization: `Bearer ${token}` };
  let cursor: string | null = null;
  let last: DirectoryResident | undefined;
  for (;;) {
    const query = new URLSearchParams({
      limit: '5000',
      v: String(DIRECTORY_SCHEMA_VERSION),
      ...(cursor && { cursor }),
    });
    const res = await fetch(`${stack().serverUrl}/api/v1/residents/directory?${query.toString()}`, { headers });
    expect(res.ok).toBe(true);
    const page = (await res.json()) as DirectoryPage;
    const withPhone = [...page.items]
      .reverse()
      .find((r): r is DirectoryResident => !isDirectoryTombstone(r) && r.phones.length > 0);
    last = withPhone ?? last;
    if (!page.more) break;
    cursor = page.cursor;
  }
  expect(last, 'the demo directory has residents with phones').toBeTruthy();
  const full = await fetch(`${stack().serverUrl}/api/v1/residents/${encodeURIComponent(last!.id)}`, { headers });
  expect(full.ok).toBe(true);
  const { resident } = (await full.json()) as { resident: Resident };
  return { resident: last!, phone: resident.phones[0]!.raw };
}

/** Adds a resident to the central database behind the server's back (the server must be stopped). */
async function addResidentOnServer(name: string, phone: string): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = await PGlite.create(join(stack().dir, 'server'));
  try {
    const id = `e2e-${Date.now()}`;
    await pg.transaction(async (tx) => {
      await tx.query('INSERT INTO residents (id, name) VALUES ($1, $2)', [id, name]);
      await tx.query('INSERT INTO resident_phones (resident_id, raw, e164) VALUES ($1, $2, $3)', [
        id,
        phone,
        `+86${phone}`,
      ]);
    });
  } finally {
    await pg.close();
  }
}

test('a lookup typed while the directory downloads, or before it advances, fills in by itself; the dialog stays put', async ({
  page,
}) => {
  test.setTimeout(360_000);
  const { resident: wanted, phone } = await lastResidentWithPhone();

  // Sign in, then take the server away at once: the first sync, and the directory after it, cannot run.
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto(stack().consoleUrl);
  await page.getByLabel('用户名').fill('agent01');
  await page.getByLabel('密码').fill('demo');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('用户名')).toBeHidden({ timeout: 30_000 });
  await stack().stopServer();

  await page.keyboard.press('n');
  const dialog = page.getByRole('dialog', { name: '新建工单' });
  const lookup = dialog.getByRole('combobox', { name: '查找住户' });
  await expect(lookup).toBeFocused();
  await page.keyboard.type(phone);
  await expect(dialog.getByRole('status')).toContainText('住户资料尚未下载完成', { timeout: 30_000 });
  const before = await box(dialog);

  // The server comes back: sync, then the directory page by page (this resident is on the last one). No key is
  // pressed from here on: the results appear by themselves.
  await stack().startServer();
  const match = dialog.getByRole('listbox', { name: '匹配的住户' }).getByRole('option').first();
  await expect(match).toContainText(wanted.name, { timeout: 180_000 });
  await expect(lookup).toHaveValue(phone);
  await expect(lookup).toBeFocused();

  const after = await box(dialog);
  expect(Math.abs(after.y - before.y), 'the dialog does not move').toBeLessThanOrEqual(1);
  expect(Math.abs(after.height - before.height), 'nor change its height').toBeLessThanOrEqual(1);

  // Later the directory advances (a resident is added centrally); the lookup that found nobody finds them once the
  // console has downloaded the change — again without a key press.
  const newcomer = { name: '新入住测试', phone: '13900009173' };
  await lookup.fill(newcomer.phone);
  await expect(dialog.getByRole('status')).toContainText('没有找到匹配的住户');
  await stack().stopServer();
  await addResidentOnServer(newcomer.name, newcomer.phone);
  await stack().startServer();
  // Within the directory's refresh interval (15 s) of the console being back online: a cycle inside the interval
  // is not dropped (it waited for the 30 s interval pull before).
  await expect(match).toContainText(newcomer.name, { timeout: 45_000 });
  await expect(lookup).toHaveValue(newcomer.phone);

  // Esc: something was typed, so it asks (Keep editing focused) instead of closing.
  await page.keyboard.press('Escape');
  await expect(dialog.getByRole('alertdialog', { name: '放弃已输入的内容？' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog.getByRole('alertdialog')).toHaveCount(0);
  await expect(lookup).toBeFocused();
  await expect(lookup).toHaveValue(newcomer.phone);
  await page.keyboard.press('Escape');
  await dialog.getByRole('button', { name: '放弃' }).click();
  await expect(dialog).toBeHidden();
});

/** `n`, the room, Enter on the first resident, past the unit picker if there is one, then "plumbing" + Enter. */
async function startIntake(page: Page): Promise<{ dialog: ReturnType<Page['getByRole']>; resident: string }> {
  await page.keyboard.press('n');
  const dialog = page.getByRole('dialog', { name: '新建工单' });
  await expect(dialog).toBeVisible();
  await page.keyboard.type(ROOM);
  const first = dialog.getByRole('listbox', { name: '匹配的住户' }).getByRole('option').first();
  // The directory downloads after the first sync; the screen asks again until it is there.
  await expect(first).toBeVisible({ timeout: 60_000 });
  await expect(first).toContainText(ROOM);
  const resident = (await first.locator('.intake-match-name').innerText()).trim();
  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('region', { name: '住户' })).toContainText(resident);
  // A resident with several units gets the unit picker first, set to the matched unit: keep it.
  if ((await page.locator('select:focus').count()) > 0) await page.keyboard.press('Tab');
  await expect(dialog.getByRole('combobox', { name: '类别' })).toBeFocused();
  await page.keyboard.type('plumbing');
  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('combobox', { name: '类别' })).toHaveValue('给排水');
  return { dialog, resident };
}

test('n → find by room → plumbing → Ctrl+Enter creates; the second call for the unit links instead', async ({
  page,
}) => {
  await signIn(page);

  // First call: a new ticket.
  const one = await startIntake(page);
  await expect(one.dialog.getByRole('alert')).toHaveCount(0); // no open plumbing ticket for the unit yet
  await expect(one.dialog.getByLabel('标题')).toBeFocused();
  await expect(one.dialog.getByLabel('类型')).toHaveValue('repair'); // suggested by the category rules
  await expect(one.dialog.getByLabel('班组')).toHaveValue('plumbing');
  await page.keyboard.type(TITLE);
  await page.keyboard.press('Control+Enter');
  await expect(one.dialog).toBeHidden();
  const detail = page.getByRole('region', { name: '工单详情' });
  await expect(detail).toContainText(TITLE);
  await expect(detail).toContainText(ROOM);

  // Second call about the same thing: the screen offers the open ticket; Enter links.
  const two = await startIntake(page);
  expect(two.resident).toBe(one.resident);
  const warning = two.dialog.getByRole('alert');
  await expect(warning).toContainText(ROOM);
  await expect(warning).toContainText('给排水');
  await expect(warning).toContainText(TITLE);
  await expect(warning.getByRole('button', { name: /关联/ })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(two.dialog).toBeHidden();
  await expect(detail).toContainText(TITLE);
  await expect(detail).toContainText('住户再次来电');

  // The server ends up with one ticket of that title, carrying the note.
  const token = await apiToken(stack().serverUrl);
  const list = async () => {
    const res = await fetch(`${stack().serverUrl}/api/v1/tickets?q=${encodeURIComponent(TITLE)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return ((await res.json()) as { items: { id: string }[] }).items;
  };
  await expect.poll(async () => (await list()).length, { timeout: 10_000 }).toBe(1);
  const [created] = await list();
  await expect
    .poll(
      async () => {
        const res = await fetch(`${stack().serverUrl}/api/v1/tickets/${created!.id}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const body = (await res.json()) as { events: { kind: string; body: string }[] };
        return body.events.some((e) => e.kind === 'comment' && e.body.includes('住户再次来电'));
      },
      { timeout: 10_000 },
    )
    .toBe(true);
});

test('the category suggestions cover no field; Esc asks before discarding, keeps or discards; untouched closes', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1600, height: 1000 });
  await signIn(page);
  await page.getByRole('listbox', { name: '工单' }).focus();

  // Untouched: Esc closes at once.
  await page.keyboard.press('n');
  const dialog = page.getByRole('dialog', { name: '新建工单' });
  const lookup = dialog.getByRole('combobox', { name: '查找住户' });
  await expect(lookup).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // The category suggestions, while typing, overlap none of the labels and fields below them.
  await page.keyboard.press('n');
  await expect(lookup).toBeFocused();
  const category = dialog.getByRole('combobox', { name: '类别' });
  await category.focus();
  await page.keyboard.type('p');
  const suggestions = dialog.getByRole('listbox', { name: '类别' });
  await expect(suggestions.getByRole('option', { name: '给排水' })).toBeVisible();
  const list = await box(suggestions);
  // The row of type, priority, team and channel (labels and fields) starts below them.
  const row = await box(dialog.locator('.intake-row'));
  expect(row.y, 'type/priority/team/channel below the suggestions').toBeGreaterThanOrEqual(list.y + list.height);
  await expect(dialog.getByText('类型', { exact: true })).toBeVisible();
  // The first Esc only drops the filter text.
  await page.keyboard.press('Escape');
  await expect(category).toHaveValue('');
  await expect(dialog).toBeVisible();

  // Typed text: Esc asks, with Keep editing focused; Enter keeps (text and caret back in the field).
  const titleField = dialog.getByLabel('标题');
  await titleField.focus();
  await page.keyboard.type('楼道灯不亮');
  await page.keyboard.press('Escape');
  const question = dialog.getByRole('alertdialog', { name: '放弃已输入的内容？' });
  await expect(question).toBeVisible();
  await expect(question.getByRole('button', { name: '继续编辑' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(question).toHaveCount(0);
  await expect(titleField).toBeFocused();
  await expect(titleField).toHaveValue('楼道灯不亮');

  // The Cancel button asks too; Tab to Discard, Enter: closed; the next `n` starts empty.
  await dialog.getByRole('button', { name: '取消（Esc）' }).click();
  await expect(question).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(question.getByRole('button', { name: '放弃' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await page.keyboard.press('n');
  await expect(lookup).toBeFocused();
  await expect(dialog.getByLabel('标题')).toHaveValue('');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});
