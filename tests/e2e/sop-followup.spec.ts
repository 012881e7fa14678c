/**
 * SOP card, follow-up (回访) and search, driven from the keyboard in the browser host:
 * - a demo repair awaiting its follow-up is found with `/` + its code + Enter; `s` → 已回访 opens the step form;
 *   satisfaction 2 (key `2`) warns that it reopens, Ctrl+Enter submits, the detail and the server say 返修;
 * - `/` 漏水 finds a new "厨房漏水严重" ticket with the match in <mark>, Enter opens it in the detail.
 */
import { expect, test, type Page } from '@playwright/test';
import { apiToken, signIn as signInAs, useStack } from './stack';

const stack = useStack();

interface ApiTicket {
  id: string;
  code: string;
  type: string;
  status: string;
  title: string;
}

async function api<T>(token: string, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${stack().serverUrl}/api/v1/${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
  expect(res.ok, `${path}: ${res.status}`).toBe(true);
  return (await res.json()) as T;
}

async function signIn(page: Page) {
  await signInAs(page, stack().consoleUrl);
  // Single-key shortcuts act when no text field has focus.
  await page.getByRole('listbox', { name: '工单' }).focus();
}

/** `/`, type, wait for a fresh result holding `expectText`, move to it with ↓, Enter. */
async function searchAndOpen(page: Page, query: string, expectText: string) {
  await page.keyboard.press('/');
  const dialog = page.getByRole('dialog', { name: '搜索工单' });
  const box = dialog.getByRole('combobox', { name: '搜索工单' });
  await expect(box).toBeFocused();
  await page.keyboard.type(query);
  const results = dialog.getByRole('listbox', { name: '搜索结果' });
  const wanted = results.getByRole('option').filter({ hasText: expectText }).first();
  await expect(wanted).toBeVisible({ timeout: 15_000 });
  await expect(dialog.getByRole('status')).not.toContainText('正在搜索');
  for (let i = 0; i < 50 && (await wanted.getAttribute('aria-selected')) !== 'true'; i++) {
    await page.keyboard.press('ArrowDown');
  }
  await expect(wanted).toHaveAttribute('aria-selected', 'true');
  const marked = await wanted.locator('mark').allInnerTexts();
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  return marked;
}

/** A demo repair at 已验收, waiting for its follow-up call. */
async function confirmedRepair(token: string): Promise<ApiTicket> {
  const { items } = await api<{ items: ApiTicket[] }>(token, 'tickets?status=confirmed&limit=100');
  const repair = items.find((t) => t.type === 'repair');
  expect(repair, 'the demo seed has a confirmed repair').toBeTruthy();
  return repair!;
}

test('follow-up with satisfaction 2 reopens the repair (返修); `/` search marks and opens a match', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const token = await apiToken(stack().serverUrl);
  // A demo repair waiting for its follow-up call (已验收: the only way out to 已回访 is the follow-up record).
  const { id, code } = await confirmedRepair(token);

  await signIn(page);
  await searchAndOpen(page, code, code);
  const detail = page.getByRole('region', { name: '工单详情' });
  await expect(detail).toContainText(code);
  const sop = detail.getByRole('region', { name: /SOP · 已验收/ });
  await expect(sop).toContainText('推进所需');
  await expect(sop).toContainText('回访记录');

  // The step form for 已回访 through the `s` step menu (keyboard layer): focus inside the detail, as Tab would put
  // it, so `s` acts on the open ticket rather than the list's cursor row; type to filter, Enter chooses.
  await sop.getByRole('button', { name: '填写并推进到「已回访」' }).focus();
  await page.keyboard.press('s');
  const stepMenu = page.getByRole('dialog').filter({ hasText: '已回访' });
  await expect(stepMenu).toBeVisible();
  await page.keyboard.type('已回访');
  await page.keyboard.press('Enter');
  const form = page.getByRole('dialog').filter({ has: page.getByRole('radiogroup', { name: /满意度/ }) });
  await expect(form).toBeVisible();
  await expect(form.getByRole('heading')).toContainText('已验收 → 已回访');

  // Submitting without a score is refused by the shared schema/engine, with the reason on the field.
  await page.keyboard.press('Control+Enter');
  await expect(form).toContainText('请选择满意度 1–5');

  await page.keyboard.press('2');
  await expect(form.getByRole('radio', { name: '2 分' })).toBeChecked();
  await expect(form.getByRole('status')).toContainText('将转为「返修」');
  await form.getByLabel('住户意见').focus();
  await page.keyboard.type('厨房水龙头仍在滴水');
  await page.keyboard.press('Control+Enter');
  await expect(form).toHaveCount(0);

  await expect(detail.locator('.detail-heading .status-chip')).toHaveText('返修');
  await expect(detail.getByRole('region', { name: /SOP · 返修/ })).toBeVisible();
  await expect
    .poll(async () => (await api<{ ticket: ApiTicket }>(token, `tickets/${id}`)).ticket.status, { timeout: 30_000 })
    .toBe('reopened');

  // Search: "漏水" (2 characters, below the trigram index) must find "厨房漏水严重".
  const created = await api<ApiTicket>(token, 'tickets', {
    method: 'POST',
    body: JSON.stringify({
      type: 'repair',
      category: 'plumbing',
      title: '厨房漏水严重',
      description: '水槽下方管道接口渗水',
      channel: 'wechat',
    }),
  });
  await page.getByRole('listbox', { name: '工单' }).focus();
  const marked = await searchAndOpen(page, '漏水', '厨房漏水严重');
  expect(marked).toContain('漏水');
  await expect(detail).toContainText(created.code);
  await expect(detail.getByRole('heading', { name: '厨房漏水严重' })).toBeVisible();
});

test('fee reminder: log a message (→ 已联系), a further call as a note, then a promised date', async ({ page }) => {
  test.setTimeout(180_000);
  const token = await apiToken(stack().serverUrl);
  const fee = await api<ApiTicket>(token, 'tickets', {
    method: 'POST',
    body: JSON.stringify({ type: 'fee', category: 'fees', title: '2026 年物业费未缴', channel: 'phone' }),
  });
  await signIn(page);
  await searchAndOpen(page, fee.code, fee.code);
  const detail = page.getByRole('region', { name: '工单详情' });
  const status = detail.locator('.detail-heading .status-chip');
  const panel = detail.getByRole('region', { name: '催缴', exact: true });
  await expect(panel).toContainText('依法催缴');
  await expect(detail).not.toContainText(/停水|停电|停暖|停气|停梯/);

  // First reminder: the workflow step 已联系 with the method as its output.
  await panel.getByRole('radio', { name: '短信' }).focus();
  await page.keyboard.press('Space');
  await panel.getByLabel('住户答复').focus();
  await page.keyboard.type('已发短信提醒');
  await page.keyboard.press('Enter');
  await expect(status).toHaveText('已联系');

  // A further reminder while contacted: a work-log note with the structured prefix.
  await panel.getByRole('radio', { name: '电话' }).focus();
  await page.keyboard.press('Space');
  await panel.getByLabel('住户答复').focus();
  await page.keyboard.type('业主称月底前缴清');
  await page.keyboard.press('Enter');
  await expect(detail).toContainText('【催缴提醒·电话】业主称月底前缴清');
  await expect(status).toHaveText('已联系');

  // The promised date through the step form.
  await panel.getByRole('button', { name: '登记承诺缴费日期' }).focus();
  await page.keyboard.press('Enter');
  const form = page.getByRole('dialog').filter({ hasText: '已联系 → 已承诺缴费' });
  await expect(form).toBeVisible();
  await page.keyboard.press('Control+Enter');
  await expect(form).toContainText('必填');
  await form.getByLabel('承诺缴费日期').fill('2026-12-31');
  await page.keyboard.press('Control+Enter');
  await expect(form).toHaveCount(0);
  await expect(status).toHaveText('已承诺缴费');

  await expect
    .poll(async () => (await api<{ ticket: ApiTicket }>(token, `tickets/${fee.id}`)).ticket.status, { timeout: 30_000 })
    .toBe('promised');
  const { events } = await api<{ events: { kind: string; body: string; data: Record<string, unknown> }[] }>(
    token,
    `tickets/${fee.id}`,
  );
  expect(events.find((e) => e.kind === 'status' && e.data.to === 'contacted')?.data.outputs).toEqual({
    contact: 'message',
  });
  expect(events.some((e) => e.kind === 'comment' && e.body.startsWith('【催缴提醒·电话】'))).toBe(true);
  expect(events.find((e) => e.kind === 'status' && e.data.to === 'promised')?.data.outputs).toEqual({
    promiseDate: '2026-12-31',
  });
});

test('the follow-up form keeps its scores on one row and room beside the checkbox; the step form and the note ask before discarding typed text', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1600, height: 1000 });
  const token = await apiToken(stack().serverUrl);
  const { code } = await confirmedRepair(token); // another one: the first test reopened its repair

  await signIn(page);
  await searchAndOpen(page, code, code);
  const detail = page.getByRole('region', { name: '工单详情' });
  await expect(detail).toContainText(code);
  const record = detail
    .getByRole('region', { name: /SOP · 已验收/ })
    .getByRole('button', { name: '填写并推进到「已回访」' });
  const form = page.getByRole('dialog').filter({ has: page.getByRole('radiogroup', { name: /满意度/ }) });
  const question = form.getByRole('alertdialog', { name: '放弃已输入的内容？' });
  const comment = form.getByLabel('住户意见');

  // Untouched: Esc closes at once.
  await record.click();
  await expect(form).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(form).toHaveCount(0);

  await record.click();
  await expect(form).toBeVisible();
  // Layout: the five scores on one row, each on one line ("5 分" does not wrap); a gap between the checkbox and
  // its words.
  // (Strings run in the page: these tests compile without the DOM's types.)
  const layout = await page.evaluate<{ scores: { text: string; top: number; lines: number }[]; gap: number }>(`(() => {
    const dialog = document.querySelector('dialog.step-form-dialog');
    const words = (label) => {
      const text = [...label.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
      const range = document.createRange();
      range.selectNodeContents(text);
      return { text: text.textContent, rects: [...range.getClientRects()] };
    };
    const scores = [...dialog.querySelectorAll('[role="radiogroup"] input[type="radio"]')].map((input) => {
      const label = input.closest('label');
      const { text, rects } = words(label);
      return { text, top: label.getBoundingClientRect().top, lines: rects.length };
    });
    const checkbox = dialog.querySelector('input[type="checkbox"]');
    const checkWords = words(checkbox.closest('label')).rects[0];
    return { scores, gap: checkWords.left - checkbox.getBoundingClientRect().right };
  })()`);
  expect(layout.scores.map((s) => s.text)).toEqual(['1 分', '2 分', '3 分', '4 分', '5 分']);
  for (const score of layout.scores) {
    expect(score.lines, `"${score.text}" on one line`).toBe(1);
    expect(Math.abs(score.top - layout.scores[0]!.top), `"${score.text}" on the row of "1 分"`).toBeLessThanOrEqual(1);
  }
  expect(layout.gap, 'room between the checkbox and its label').toBeGreaterThanOrEqual(5);

  // Typed text: Esc asks (Keep editing focused); Esc again keeps editing, the text and the caret back.
  await comment.focus();
  await page.keyboard.type('住户表示满意');
  await page.keyboard.press('Escape');
  await expect(question).toBeVisible();
  await expect(question.getByRole('button', { name: '继续编辑' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(question).toHaveCount(0);
  await expect(comment).toBeFocused();
  await expect(comment).toHaveValue('住户表示满意');
  // Esc, Tab to Discard, Enter: closed, and the draft is gone.
  await page.keyboard.press('Escape');
  await expect(question).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(question.getByRole('button', { name: '放弃' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(form).toHaveCount(0);
  await record.click();
  await expect(comment).toHaveValue('');
  await page.keyboard.press('Escape');
  await expect(form).toHaveCount(0);

  // The note box (`c` on the open ticket): the same.
  await record.focus();
  await page.keyboard.press('c');
  const note = page.getByRole('dialog', { name: `内部备注 · ${code}` });
  const noteQuestion = note.getByRole('alertdialog', { name: '放弃已输入的内容？' });
  await expect(note.getByRole('textbox')).toBeFocused();
  await page.keyboard.type('已电话联系住户');
  await page.keyboard.press('Escape');
  await expect(noteQuestion).toBeVisible();
  await expect(noteQuestion.getByRole('button', { name: '继续编辑' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(noteQuestion).toHaveCount(0);
  await expect(note.getByRole('textbox')).toBeFocused();
  await expect(note.getByRole('textbox')).toHaveValue('已电话联系住户');
  await page.keyboard.press('Escape');
  await noteQuestion.getByRole('button', { name: '放弃' }).click();
  await expect(note).toHaveCount(0);
  await record.focus();
  await page.keyboard.press('c');
  await expect(note.getByRole('textbox')).toHaveValue('');
  await page.keyboard.press('Escape');
  await expect(note).toHaveCount(0);
});

test('in English the next-status select is never blank, and the quotes sit tight around a step name', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1600, height: 1000 });
  const token = await apiToken(stack().serverUrl);
  const confirmed = await confirmedRepair(token);
  const fresh = await api<ApiTicket>(token, 'tickets', {
    method: 'POST',
    body: JSON.stringify({ type: 'repair', category: 'lift', title: '电梯按钮失灵', channel: 'phone' }),
  });

  const select = page.locator('#next-status');
  /** The text the closed select shows, and every option's. */
  const shown = () =>
    page.evaluate<{ selected: string; options: string[] }>(`(() => {
      const el = document.querySelector('#next-status');
      return {
        selected: el.selectedOptions[0]?.text.trim() ?? '',
        options: [...el.options].map((o) => o.text.trim()),
      };
    })()`);

  await signIn(page);
  // A confirmed repair: every next step needs a record (the follow-up, or a reason for rework).
  await searchAndOpen(page, confirmed.code, confirmed.code);
  await page.getByRole('button', { name: 'English' }).click();
  const detail = page.getByRole('region', { name: 'Ticket detail' });
  await expect(detail).toContainText(confirmed.code);
  await expect.poll(async () => (await shown()).selected).not.toBe('');
  expect((await shown()).options.every((text) => text !== '')).toBe(true);

  // “Followed up”: no space inside the quotes, and the quote glyphs drawn narrow (a CJK font draws them full
  // width, which reads as a stray space).
  const button = detail.getByRole('button', { name: /^Record and advance to “.+”$/ }).first();
  await expect(button).toBeVisible();
  const quotes = await page.evaluate<{ content: string; open: number; close: number; fontSize: number }>(`(() => {
    const el = [...document.querySelectorAll('.ticket-detail button')].find((b) =>
      /^Record and advance to “.+”$/.test(b.textContent),
    );
    const text = [...el.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent.includes('“'));
    const content = text.textContent;
    const width = (at) => {
      const range = document.createRange();
      range.setStart(text, at);
      range.setEnd(text, at + 1);
      return range.getBoundingClientRect().width;
    };
    return {
      content,
      open: width(content.indexOf('“')),
      close: width(content.indexOf('”')),
      fontSize: parseFloat(getComputedStyle(el).fontSize),
    };
  })()`);
  expect(quotes.content).not.toMatch(/“\s|\s”/);
  expect(quotes.open / quotes.fontSize, `“ in ${quotes.content}`).toBeLessThan(0.6);
  expect(quotes.close / quotes.fontSize, `” in ${quotes.content}`).toBeLessThan(0.6);

  // A new repair: its next step needs nothing recorded, and the select shows it.
  await page.getByRole('button', { name: '中文' }).click();
  await page.getByRole('listbox', { name: '工单' }).focus();
  await searchAndOpen(page, fresh.code, fresh.code);
  await page.getByRole('button', { name: 'English' }).click();
  await expect(detail).toContainText(fresh.code);
  await expect.poll(async () => (await shown()).selected).not.toBe('');
  const { options } = await shown();
  expect(options.length).toBeGreaterThan(0);
  expect(options.every((text) => text !== '')).toBe(true);
  await expect(select.locator('option:checked')).toBeEnabled();
});
