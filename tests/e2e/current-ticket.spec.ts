/**
 * One current ticket (issue 9 item 1), as a property: random sequences of palette jumps, opens, cursor moves,
 * creates, view changes and closes, with actions (`Shift+A`, `c` note, `p n` priority) in between. Before each
 * action the page shows one ticket — the open detail, else the cursor row — and after it the central server has
 * the change on exactly that ticket, the note dialog and the notice name it, and a ticket the cursor sat on
 * instead is untouched. An action the ticket rules refuse agent01 (issue 11: taking a ticket someone else holds,
 * changing one outside their reach) is refused by name, with the rule's reason, and changes nothing.
 * After every jump, create or open the cursor is on the shown ticket too.
 * Sequences come from fast-check with a fixed seed, so a failure replays.
 */
import { expect, test, type Page } from '@playwright/test';
import fc from 'fast-check';
import { STATUSES, type Ticket, type User } from '../../common/domain';
import { checkTicketAction, type TicketAction } from '../../common/ticket-access';
import { TICKET_CODE, apiToken, signIn, useStack } from './stack';

const stack = useStack();

type Command =
  | { kind: 'jump'; pick: number }
  | { kind: 'move'; steps: number }
  | { kind: 'open' }
  | { kind: 'close' }
  | { kind: 'create' }
  | { kind: 'view'; key: 'i' | 'u' | 'm' | 'o' }
  | { kind: 'assignToMe' }
  | { kind: 'note' }
  | { kind: 'priority'; priority: 2 | 3 | 4 };

const navigation: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('jump' as const), pick: fc.nat(1_000) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('move' as const), steps: fc.integer({ min: -3, max: 6 }) }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'open' as const }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'close' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'create' as const }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('view' as const), key: fc.constantFrom('i', 'u', 'm', 'o') }),
    weight: 2,
  },
);
const action: fc.Arbitrary<Command> = fc.oneof(
  fc.constant({ kind: 'assignToMe' as const }),
  fc.constant({ kind: 'note' as const }),
  fc.record({ kind: fc.constant('priority' as const), priority: fc.constantFrom(2, 3, 4) }),
);
// Each navigation is followed by an action (the bug this guards against showed right after a jump or a create),
// sometimes by a second navigation first.
const stepPair = fc.tuple(fc.array(navigation, { minLength: 1, maxLength: 2 }), action);
const SEQUENCES = fc
  .sample(fc.array(stepPair, { minLength: 7, maxLength: 7 }), { seed: 92_026, numRuns: 2 })
  .map((pairs) => pairs.flatMap(([moves, act]) => [...moves, act]));

interface ServerTicket {
  ticket: { id: string; code: string; assigneeId: string | null; priority: number };
  events: { kind: string; body: string }[];
}

test.describe.configure({ mode: 'serial' });

let token = '';
let me = '';
let meUser: User | null = null;
let jumpCodes: string[] = [];

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${stack().serverUrl}/api/v1/${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

async function serverTicket(code: string): Promise<ServerTicket> {
  const found = await api<{ items: { id: string; code: string }[] }>(`tickets?q=${encodeURIComponent(code)}`);
  const id = found.items.find((item) => item.code === code)?.id;
  expect(id, `server knows ${code}`).toBeTruthy();
  return api<ServerTicket>(`tickets/${id}`);
}

const list = (page: Page) => page.getByRole('listbox', { name: '工单' });
const detail = (page: Page) => page.getByRole('region', { name: '工单详情' });

async function cursorCode(page: Page): Promise<string | null> {
  const active = list(page).locator('[role="option"][aria-selected="true"]');
  if ((await active.count()) === 0) return null;
  return TICKET_CODE.exec(await active.innerText())?.[0] ?? null;
}

async function detailCode(page: Page): Promise<string | null> {
  const code = detail(page).locator('.detail-code');
  if ((await code.count()) === 0) return null;
  return TICKET_CODE.exec(await code.innerText())?.[0] ?? null;
}

/** The ticket the page shows as current: the open detail's, else the cursor row's. */
async function shownCode(page: Page): Promise<{ code: string | null; cursor: string | null }> {
  const cursor = await cursorCode(page);
  return { code: (await detailCode(page)) ?? cursor, cursor };
}

/** After a jump, create or open: the detail shows `code` and the list cursor sits on it as well. */
async function expectCursorOn(page: Page, code: string): Promise<void> {
  await expect(detail(page).locator('.detail-code')).toHaveText(code, { timeout: 10_000 });
  await expect.poll(() => cursorCode(page), { timeout: 10_000, message: `cursor on ${code}` }).toBe(code);
}

async function run(page: Page, step: Command, log: string[]): Promise<void> {
  switch (step.kind) {
    case 'jump': {
      const code = jumpCodes[step.pick % jumpCodes.length]!;
      log.push(`jump ${code}`);
      await page.keyboard.press('Control+k');
      const palette = page.getByRole('dialog', { name: '命令面板' });
      await expect(palette).toBeVisible();
      await page.keyboard.type(code);
      await expect(palette.getByRole('option', { name: new RegExp(code) })).toBeVisible({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      await expect(palette).toBeHidden();
      await expectCursorOn(page, code);
      return;
    }
    case 'move': {
      log.push(`move ${step.steps}`);
      const key = step.steps < 0 ? 'k' : 'j';
      for (let i = 0; i < Math.abs(step.steps); i++) await page.keyboard.press(key);
      // With a ticket open, the detail follows the cursor.
      if ((await detailCode(page)) !== null) {
        await expect.poll(async () => (await detailCode(page)) === (await cursorCode(page))).toBe(true);
      }
      return;
    }
    case 'open': {
      log.push('open');
      const cursor = await cursorCode(page);
      await page.keyboard.press('Enter');
      if (cursor) await expectCursorOn(page, cursor);
      return;
    }
    case 'close': {
      log.push('close');
      await list(page).focus();
      await page.keyboard.press('Escape');
      await expect(detail(page).locator('.detail-code')).toHaveCount(0);
      return;
    }
    case 'create': {
      const title = `当前工单属性测试 ${log.length} ${Date.now()}`;
      log.push(`create ${title}`);
      await page.keyboard.press('n');
      const dialog = page.getByRole('dialog', { name: '新建工单' });
      await expect(dialog).toBeVisible();
      await dialog.getByRole('combobox', { name: '类别' }).focus();
      await page.keyboard.type('electrical');
      await page.keyboard.press('Enter');
      await dialog.getByLabel('标题').fill(title);
      await page.keyboard.press('Control+Enter');
      await expect(dialog).toBeHidden();
      await expect(detail(page)).toContainText(title);
      // The code is allocated by the server; the cursor sits on the new row either way.
      await expect(detail(page).locator('.detail-code')).toHaveText(TICKET_CODE, { timeout: 20_000 });
      await expectCursorOn(page, (await detailCode(page))!);
      return;
    }
    case 'view': {
      log.push(`g ${step.key}`);
      await list(page).focus();
      await page.keyboard.press('g');
      await page.keyboard.press(step.key);
      await expect(list(page)).toBeFocused();
      return;
    }
    default:
      return act(page, step, log);
  }
}

/** Why the shared ticket rules refuse agent01 this action on `ticket` (the console says it in zh-CN); null: allowed. */
function refusalOf(ticket: ServerTicket['ticket'], action: TicketAction): string | null {
  const check = checkTicketAction(meUser!, ticket as unknown as Ticket, action);
  return check.ok ? null : check.message.zh;
}

/** The refusal is said, naming the ticket, and the server's ticket is as it was. */
async function expectRefused(page: Page, code: string, reason: string, before: ServerTicket['ticket']) {
  await expect(page.getByRole('alert').filter({ hasText: `${code}：${reason}` })).toBeVisible();
  expect((await serverTicket(code)).ticket).toEqual(before);
}

async function act(page: Page, step: Extract<Command, { kind: 'assignToMe' | 'note' | 'priority' }>, log: string[]) {
  const { code, cursor } = await shownCode(page);
  log.push(`${step.kind} on ${code} (cursor ${cursor})`);
  if (!code) return; // an empty view: nothing is current, nothing may change
  const before = cursor && cursor !== code ? await serverTicket(cursor) : null;
  const notices = page.getByRole('status');

  // An action the ticket already satisfies says so, naming the ticket, and changes nothing.
  const shown = await serverTicket(code);
  const unchanged = `${code} 已是如此，无需更改`;
  if (step.kind === 'assignToMe') {
    await page.keyboard.press('Shift+A');
    const refused = shown.ticket.assigneeId === me ? null : refusalOf(shown.ticket, { kind: 'assign', assigneeId: me });
    if (refused) {
      log.push('refused');
      await expectRefused(page, code, refused, shown.ticket);
    } else {
      const done = shown.ticket.assigneeId === me ? unchanged : `已指派给我：${code}`;
      await expect(notices.filter({ hasText: done })).toBeVisible();
      await expect.poll(async () => (await serverTicket(code)).ticket.assigneeId, { timeout: 10_000 }).toBe(me);
    }
  } else if (step.kind === 'priority') {
    await page.keyboard.press('p');
    await page.keyboard.press(String(step.priority));
    const refused =
      shown.ticket.priority === step.priority
        ? null
        : refusalOf(shown.ticket, { kind: 'edit', priority: step.priority });
    if (refused) {
      log.push('refused');
      await expectRefused(page, code, refused, shown.ticket);
    } else {
      const done = shown.ticket.priority === step.priority ? unchanged : `${code} 优先级改为 P${step.priority}`;
      await expect(notices.filter({ hasText: done })).toBeVisible();
      await expect
        .poll(async () => (await serverTicket(code)).ticket.priority, { timeout: 10_000 })
        .toBe(step.priority);
    }
  } else {
    await page.keyboard.press('c');
    const box = page.getByRole('dialog', { name: `内部备注 · ${code}` });
    await expect(box).toBeVisible();
    const body = `属性测试备注 ${log.length} ${Date.now()}`;
    await page.keyboard.type(body);
    await page.keyboard.press('Control+Enter');
    await expect(box).toBeHidden();
    await expect(notices.filter({ hasText: `已添加备注：${code}` })).toBeVisible();
    await expect
      .poll(async () => (await serverTicket(code)).events.some((e) => e.body === body), { timeout: 10_000 })
      .toBe(true);
  }

  // The ticket the cursor sat on (when another one was open) is as it was.
  if (before && cursor) {
    const after = await serverTicket(cursor);
    expect(after.ticket, `${cursor} untouched while ${code} was shown`).toEqual(before.ticket);
    expect(after.events.length).toBe(before.events.length);
  }
}

test.beforeAll(async () => {
  token = await apiToken(stack().serverUrl);
  meUser = (await api<{ user: User }>('me')).user;
  me = meUser.id;
  // Jump targets: open tickets at every step (up to 8 each), mine, others' and unassigned, so jumps land in and out
  // of views. The demo desk is played forward to the moment it is seeded, so which steps hold tickets depends on
  // the hour: a fixed handful of steps held 10 or fewer open tickets at about one start time in four.
  const codes = new Set<string>();
  for (const status of STATUSES.filter((s) => s !== 'closed' && s !== 'cancelled')) {
    const page = await api<{ items: { code: string | null }[] }>(`tickets?status=${status}&limit=8`);
    for (const item of page.items) if (item.code) codes.add(item.code);
  }
  jumpCodes = [...codes];
  expect(jumpCodes.length).toBeGreaterThan(10);
});

for (const [i, sequence] of SEQUENCES.entries()) {
  test(`every action changes the ticket the page shows (sequence ${i + 1})`, async ({ page }) => {
    test.setTimeout(240_000);
    await signIn(page, stack().consoleUrl);
    await list(page).focus();

    const log: string[] = [];
    try {
      for (const step of sequence) {
        await test.step(JSON.stringify(step), () => run(page, step, log));
      }
    } finally {
      console.log(`sequence ${i + 1}: ${log.join(' · ')}`);
    }
  });
}
