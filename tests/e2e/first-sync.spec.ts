/**
 * A console's first sync as the agent meets it (issue 13, README "What a console downloads first"): once the
 * tickets in progress are in, the status bar says so; a search finds a closed ticket the cache has not got yet
 * (answered by the server, and the panel says so); opening it shows it read-only until it arrives, then workable.
 * A second console with a fresh profile reaches the server through a proxy that holds its pulls after the page that
 * completes the working set, so the console stays in that state until the test lets the sync go on. zh-CN and
 * English, no serious axe violation.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { apiToken, startExtraConsole, useStack, type ExtraConsole } from './stack';

const stack = useStack();

/** Forwards to `target`, holding every pull after the one whose answer says the working set is in. */
async function holdingProxy(target: string): Promise<{ url: string; release(): void; close(): Promise<void> }> {
  const upstream = new URL(target);
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding = false;
  const body = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const isPull = req.url === '/api/v1/sync/pull';
      const sent = await body(req);
      if (isPull && holding) await released;
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)),
      ) as Record<string, string>;
      const answer = await fetch(new URL(req.url ?? '/', upstream), {
        method: req.method,
        headers,
        body: sent.length > 0 ? sent : undefined,
      });
      const text = Buffer.from(await answer.arrayBuffer());
      if (isPull && text.includes('"workingSetIn":true')) holding = true;
      const kept = [...answer.headers].filter(
        ([k]) => !['content-encoding', 'content-length', 'transfer-encoding'].includes(k),
      );
      res.writeHead(answer.status, Object.fromEntries(kept));
      res.end(text);
    })().catch(() => res.destroy());
  });
  // The live socket: passed through as it is.
  server.on('upgrade', (req, socket, head) => {
    const up = connect(Number(upstream.port), upstream.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      up.write(head);
      socket.pipe(up).pipe(socket);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    release,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A closed ticket untouched for over 40 days (cold: the first sync sends it after the working set, without events). */
async function coldTicketCode(serverUrl: string): Promise<string> {
  const token = await apiToken(serverUrl);
  const before = Date.now() - 40 * 86_400_000;
  let cursor: string | null = null;
  do {
    const res = await fetch(
      `${serverUrl}/api/v1/tickets?status=closed&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    const page = (await res.json()) as { items: { code: string; updatedAt: string }[]; nextCursor: string | null };
    const cold = page.items.find((t) => Date.parse(t.updatedAt) < before);
    if (cold) return cold.code;
    cursor = page.nextCursor;
  } while (cursor);
  throw new Error('the demo data has no cold ticket');
}

async function noSeriousAxe(page: Page, selector: string) {
  const { violations } = await new AxeBuilder({ page }).include(selector).analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
}

test('first sync: tickets in progress first, then search and an old ticket from the server, read-only until here', async ({
  browser,
}, info) => {
  test.setTimeout(240_000);
  const code = await coldTicketCode(stack().serverUrl);
  const proxy = await holdingProxy(stack().serverUrl);
  let extra: ExtraConsole | null = null;
  try {
    extra = await startExtraConsole(proxy.url);
    const context = await browser.newContext({ storageState: extra.storageState });
    const page = await context.newPage();
    // Signed in by hand: signIn() waits for 在线, which this console only reaches once released.
    await page.goto(extra.consoleUrl);
    await page.getByLabel('用户名').fill('agent01');
    await page.getByLabel('密码').fill('demo');
    await page.getByRole('button', { name: '登录' }).click();
    const status = page.getByRole('status', { name: '同步状态' });
    await expect(status).toContainText('处理中的工单已就绪', { timeout: 60_000 });
    await expect(page.getByRole('listbox', { name: '工单' }).getByRole('option').first()).toBeVisible();

    // Search: the cache has not got the old ticket yet; the server finds it, and the panel says where from.
    await page.keyboard.press('/');
    const dialog = page.getByRole('dialog', { name: '搜索工单' });
    await dialog.getByRole('combobox').fill(code);
    await expect(dialog.getByRole('option').first()).toContainText(code, { timeout: 15_000 });
    await expect(dialog.getByRole('status')).toContainText('来自服务器');
    await page.screenshot({ path: info.outputPath('first-sync-search-zh-CN.png') });
    await noSeriousAxe(page, '.search-dialog');
    await page.keyboard.press('Enter');

    // Opened from the server: read-only, no actions, its history shown.
    const detail = page.locator('.ticket-detail');
    await expect(detail.locator('.detail-code')).toHaveText(code);
    const notice = detail.getByTestId('ticket-from-server');
    await expect(notice).toHaveText('此工单仍在下载到本机，暂时只读 — 下载完成后即可处理');
    await expect(detail.locator('.detail-actions')).toHaveCount(0);
    await expect(detail.locator('.timeline .timeline-event').first()).toBeVisible();
    await page.screenshot({ path: info.outputPath('first-sync-read-only-zh-CN.png') });
    await noSeriousAxe(page, '.ticket-detail');

    await page.getByRole('button', { name: 'English' }).click();
    await expect(notice).toHaveText('This ticket is still downloading to this desk: read-only until it is here');
    await expect(page.getByRole('status', { name: 'Sync status' })).toContainText('Tickets in progress ready');
    await page.screenshot({ path: info.outputPath('first-sync-read-only-en.png') });

    // The sync goes on: the ticket arrives and can be worked on, from the cache.
    proxy.release();
    await expect(page.getByRole('status', { name: 'Sync status' })).toContainText('Online', { timeout: 90_000 });
    await expect(notice).toHaveCount(0, { timeout: 30_000 });
    await expect(detail.locator('.detail-actions')).toBeVisible();
    await context.close();
  } finally {
    proxy.release();
    await extra?.stop();
    await proxy.close();
  }
});
