/**
 * The screen-pop benches of the cti group (issue 10, DESIGN.md §9), in Debian Chromium (Playwright) with its default
 * frame pacing (vsync on: no --disable-gpu-vsync / --disable-frame-rate-limit), against the browser host as shipped
 * (out/web/cli.mjs) on a profile signed in as the demo agent agent01, with the demo data cached (./desk-fixture).
 *
 * cti.pop_p95_ms — the local hook: a request to the desk's hook on 127.0.0.1 (GET /cti/ring?… for even calls,
 *   POST /cti/events with the native envelope for odd ones; a fresh connection each, as a softphone calling a URL)
 *   → the first animation frame after the page shows the call's number in a region labelled "来电".
 * cti.pop_central_p95_ms — the Zammad-compatible webhook: `newCall` with `user` = the agent's extension posted to
 *   the central server → the same frame on that agent's console (server → live socket → desk → renderer), while
 *   the PBX's other lines send their calls for other agents (./pbx-traffic: 20 lines, ~20 events a second).
 *
 * Each call: ring, wait for the pop, then hang up (cause `cancel`: the call becomes a missed call) and wait until the
 * pop is gone, then a random pause of 200–500 ms so calls do not fall in step with the display's frames. 200 calls
 * each, every one counted (the first call of the console's life included: no warm-up). The caller is a demo resident
 * whose number belongs to no one else, sent as the national digits a PBX sends; the pop's own caller-ID names them.
 *
 * Measured in the page: a MutationObserver sees the number appear in the region, then the next
 * requestAnimationFrame callback stops the clock. Start and stop are on two clocks (this process and the page, both
 * performance.timeOrigin + performance.now()); their offset is measured before and after (the page's clock read in
 * the middle of a round trip, the shortest of 20) and the larger correction error is logged. Also logged, for where
 * the time goes: the hook's or server's HTTP reply, the first frame on the host's WebSocket that names the call, the
 * DOM mutation, and the frame in which the resident's name is painted (caller-ID done).
 *
 * Ratio: a bare WebSocket round trip on the same host, measured the same way — this process sends the number over a
 * WebSocket to a page of the same browser (its own tab, nothing else in it), which puts it in a region in the DOM;
 * the same observer and frame stop the clock. Rounds alternate with the local-hook calls, so both see the same load.
 */
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { describeSamples, percentile, prng, round } from '../sync/fixtures';
import { CHROMIUM_ARGS, ensureRendererBuilt } from '../sync/keypress';
import { ensureWebHostBuilt, startHost, type RunningHost } from '../triage/console-fixture';
import type { Bench, BenchContext, BenchEntry } from '../types';
import { CTI_TOKEN, ctiFixture, type Caller, type CtiFixture } from './desk-fixture';
import { TRAFFIC_SENDERS, startPbxTraffic } from './pbx-traffic';

export const POP_BUDGET_MS = 100;
export const POP_CENTRAL_BUDGET_MS = 150;
const CALLS = 200;
/** The PBX's own number (the `to` of inbound calls). */
const SITE_NUMBER = '4008208820';

const clock = () => performance.timeOrigin + performance.now();

/**
 * The in-page probe (an init script; plain JavaScript, this project's Node typings have no DOM). `arm` names the
 * number (its national digits), the resident and a key (the call's id) of the next call; `wait` resolves with the
 * timestamps once they are there (or null after a timeout).
 */
const PROBE = `(() => {
  const clock = () => performance.timeOrigin + performance.now();
  // Numbers are masked on screen (issue 11): compare their digits and mask characters only.
  const digits = (s) => (s || '').replace(/[^\\d*]+/g, '');
  const LABELS = ['来电', 'Incoming call'];
  const b = { m: null, waiters: [] };
  window.__ctiBench = b;
  const showing = (nsn) => {
    for (const r of document.querySelectorAll('[role="region"][aria-label]')) {
      if (LABELS.includes(r.getAttribute('aria-label')) && digits(r.textContent).includes(nsn)) return r;
    }
    return null;
  };
  const settle = () => {
    b.waiters = b.waiters.filter((w) => {
      const v = w.test();
      if (v === undefined) return true;
      clearTimeout(w.timer);
      w.resolve(v);
      return false;
    });
  };
  const check = () => {
    const m = b.m;
    if (!m) return settle();
    const region = showing(m.nsn);
    if (region && m.shownAt === null) {
      m.shownAt = clock();
      requestAnimationFrame(() => { m.frameAt = clock(); settle(); });
    }
    if (region && m.nameAt === null && m.name && region.textContent.includes(m.name)) {
      m.nameAt = clock();
      requestAnimationFrame(() => { m.nameFrameAt = clock(); settle(); });
    }
    if (!region && m.shownAt !== null && m.goneAt === null) m.goneAt = clock();
    settle();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
  // The first frame on any WebSocket of the page that names the call: when the host's event reached the page.
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        const m = b.m;
        if (m && m.wsAt === null && typeof event.data === 'string' && event.data.includes(m.key)) m.wsAt = clock();
      });
    }
  };
  b.arm = (nsn, name, key) => {
    b.m = { nsn, name, key, wsAt: null, shownAt: null, frameAt: null, nameAt: null, nameFrameAt: null, goneAt: null };
    return true;
  };
  b.wait = (what, ms) => new Promise((resolve) => {
    const m = b.m;
    const test = () => {
      if (what === 'gone') return showing(m.nsn) ? undefined : { ...m };
      if (what === 'frame') return m.frameAt === null ? undefined : { ...m };
      return m.nameFrameAt === null ? undefined : { ...m };
    };
    const now = test();
    if (now !== undefined) return resolve(now);
    const w = { test, resolve };
    w.timer = setTimeout(() => { b.waiters = b.waiters.filter((x) => x !== w); resolve(null); }, ms);
    b.waiters.push(w);
  });
})();`;

interface Marks {
  wsAt: number | null;
  shownAt: number | null;
  frameAt: number | null;
  nameAt: number | null;
  nameFrameAt: number | null;
}

/** Page clock − this process's clock, from the shortest of `rounds` round trips; and half that round trip. */
async function clockOffset(page: Page, rounds = 20): Promise<{ offset: number; error: number }> {
  let best = { offset: 0, error: Infinity };
  for (let i = 0; i < rounds; i++) {
    const before = clock();
    const inPage = await page.evaluate<number>('performance.timeOrigin + performance.now()');
    const after = clock();
    const error = (after - before) / 2;
    if (error < best.error) best = { offset: inPage - (before + after) / 2, error };
  }
  return best;
}

/** One HTTP request on a fresh connection (as a softphone or a PBX script calling a URL); resolves with its status. */
function request(
  url: string,
  options: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string; ms: number }> {
  const started = clock();
  return new Promise((resolvePromise, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body, ms: clock() - started }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function expectOk(what: string, reply: { status: number; body: string }): void {
  if (reply.status < 200 || reply.status >= 300) throw new Error(`${what} answered ${reply.status}: ${reply.body}`);
}

/** How a call is rung and hung up: the local hook or the server's webhook. */
interface Line {
  ring(caller: Caller, callId: string, index: number): Promise<{ status: number; body: string; ms: number }>;
  hangup(caller: Caller, callId: string, index: number): Promise<{ status: number; body: string; ms: number }>;
}

function hookLine(fx: CtiFixture): Line {
  const base = `http://127.0.0.1:${fx.hookPort}/cti`;
  const token = encodeURIComponent(fx.hookSecret);
  return {
    ring(caller, callId, index) {
      if (index % 2 === 0) {
        const q = new URLSearchParams({ callId, from: caller.from, to: SITE_NUMBER });
        return request(`${base}/ring?${q.toString()}&token=${token}`);
      }
      const envelope = {
        v: 1,
        eventId: randomUUID(),
        type: 'call.ringing',
        callId,
        ts: new Date().toISOString(),
        source: 'hook',
        direction: 'inbound',
        from: caller.from,
        to: SITE_NUMBER,
      };
      return request(`${base}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${fx.hookSecret}`, 'content-type': 'application/json' },
        body: JSON.stringify(envelope),
      });
    },
    hangup(_caller, callId) {
      return request(`${base}/hangup?callId=${encodeURIComponent(callId)}&cause=cancel&token=${token}`);
    },
  };
}

function webhookLine(fx: CtiFixture): Line {
  const url = `${fx.server.url}/api/v1/cti/generic/${CTI_TOKEN}`;
  const post = (params: Record<string, string>) =>
    request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
  const user = fx.agent.extension ?? fx.agent.username;
  return {
    ring: (caller, callId) =>
      post({ event: 'newCall', direction: 'in', from: caller.from, to: SITE_NUMBER, callId, user }),
    hangup: (_caller, callId) => post({ event: 'hangup', direction: 'in', callId, cause: 'cancel' }),
  };
}

/** The baseline: a page of the same browser that shows what a WebSocket from this process sends it. */
async function wsBaseline(browser: Browser): Promise<{
  page: Page;
  context: BrowserContext;
  send(caller: Caller): number;
  clear(): void;
  close(): Promise<void>;
}> {
  const html = `<!doctype html><meta charset="utf-8"><title>ws</title><main id="out"></main><script>
    const out = document.getElementById('out');
    const ws = new WebSocket('ws://' + location.host + '/ws');
    ws.onmessage = (event) => {
      const m = JSON.parse(event.data);
      if (m.kind === 'clear') { out.replaceChildren(); return; }
      const region = document.createElement('section');
      region.setAttribute('role', 'region');
      region.setAttribute('aria-label', '来电');
      const p = document.createElement('p');
      p.textContent = m.number;
      region.append(p);
      out.replaceChildren(region);
    };
    ws.onopen = () => { document.title = 'open'; };
  </script>`;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  let socket: WebSocket | null = null;
  wss.on('connection', (ws) => {
    socket = ws;
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
  await context.addInitScript({ content: PROBE });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(`document.title === 'open'`, undefined, { timeout: 10_000 });
  const open = (): WebSocket => {
    if (!socket) throw new Error('the baseline page did not connect');
    return socket;
  };
  return {
    page,
    context,
    send(caller) {
      const sentAt = clock();
      open().send(JSON.stringify({ kind: 'ring', number: caller.shown }));
      return sentAt;
    },
    clear: () => open().send(JSON.stringify({ kind: 'clear' })),
    async close() {
      await context.close();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

interface CallSample {
  /** Sent → first frame with the number shown (the figure). */
  ms: number;
  reply: number;
  ws: number | null;
  dom: number;
  name: number | null;
  get: boolean;
}

/** Rings one call, waits for the pop and its frame, hangs up and waits until the pop has gone. */
async function oneCall(
  page: Page,
  line: Line,
  caller: Caller,
  callId: string,
  index: number,
  offset: number,
): Promise<CallSample> {
  await page.evaluate(
    `window.__ctiBench.arm(${JSON.stringify(caller.shownKey)}, ${JSON.stringify(caller.name)}, ${JSON.stringify(callId)})`,
  );
  const sentAt = clock();
  const replied = line.ring(caller, callId, index);
  const marks = await page.evaluate<Marks | null>(`window.__ctiBench.wait('frame', 15000)`);
  const reply = await replied;
  expectOk('ring', reply);
  if (!marks || marks.frameAt === null || marks.shownAt === null) {
    throw new Error(`call ${index}: no pop showing ${caller.from} within 15 s (reply ${reply.status} ${reply.body})`);
  }
  const named = await page.evaluate<Marks | null>(`window.__ctiBench.wait('name', 3000)`);
  expectOk('hangup', await line.hangup(caller, callId, index));
  const gone = await page.evaluate<Marks | null>(`window.__ctiBench.wait('gone', 15000)`);
  if (!gone) throw new Error(`call ${index}: the pop of ${caller.from} was still open 15 s after the hangup`);
  const local = (t: number) => t - offset - sentAt;
  return {
    ms: local(marks.frameAt),
    reply: reply.ms,
    ws: marks.wsAt === null ? null : local(marks.wsAt),
    dom: local(marks.shownAt),
    name: named?.nameFrameAt == null ? null : local(named.nameFrameAt),
    get: index % 2 === 0,
  };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function describeParts(ctx: BenchContext, label: string, samples: readonly CallSample[]): void {
  const some = (xs: Array<number | null>) => xs.filter((x): x is number => x !== null);
  const ws = some(samples.map((s) => s.ws));
  const names = some(samples.map((s) => s.name));
  ctx.log(`  ${label}: sent → frame with the number ${describeSamples(samples.map((s) => s.ms))}`);
  ctx.log(`    HTTP reply (hook/server answered) ${describeSamples(samples.map((s) => s.reply))}`);
  if (ws.length > 0) ctx.log(`    sent → first host WebSocket frame naming the call ${describeSamples(ws)}`);
  else ctx.log(`    no host WebSocket frame named the call (frames not text?)`);
  ctx.log(`    sent → DOM shows the number ${describeSamples(samples.map((s) => s.dom))}`);
  ctx.log(
    `    sent → frame with the resident's name (caller-ID done): ` +
      (names.length > 0 ? describeSamples(names) : 'never within 3 s') +
      ` (${names.length} of ${samples.length} calls named)`,
  );
  const first = samples[0];
  if (first) ctx.log(`    first call of the console's life: ${first.ms.toFixed(1)} ms (counted)`);
}

interface Session {
  fx: CtiFixture;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  host: RunningHost;
}

let session: Promise<Session> | null = null;

/** The console on the fixture's profile in Chromium, shared by both pop benches (closed by disposePopSession). */
function openSession(ctx: BenchContext): Promise<Session> {
  session ??= (async () => {
    ensureRendererBuilt(ctx);
    ensureWebHostBuilt();
    const fx = await ctiFixture(ctx);
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    });
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    await context.addInitScript({ content: PROBE });
    const page = await context.newPage();
    const host = await startHost(fx.server.url, fx.profile);
    await page.goto(host.url);
    await page
      .locator('[role="listbox"] [role="option"]:not([aria-busy])')
      .first()
      .waitFor({ state: 'visible', timeout: 120_000 });
    ctx.log(`  console open as ${fx.agent.username} (extension ${fx.agent.extension ?? '—'}); ${fx.data}`);
    return { fx, browser, context, page, host };
  })();
  return session;
}

export async function disposePopSession(): Promise<void> {
  const current = session;
  session = null;
  const s = await current?.catch(() => null);
  if (!s) return;
  await s.context.close().catch(() => undefined);
  await s.browser.close().catch(() => undefined);
  await s.host.stop();
}

const runId = () => randomBytes(3).toString('hex');

export function popBench(): Bench {
  const key = 'cti.pop_p95_ms';
  return {
    name: 'screen pop from the local hook, 200 calls',
    keys: [key],
    async run(ctx): Promise<BenchEntry[]> {
      const s = await openSession(ctx);
      const baseline = await wsBaseline(s.browser);
      try {
        const before = await clockOffset(s.page);
        const baseBefore = await clockOffset(baseline.page);
        const line = hookLine(s.fx);
        const random = prng(7);
        const run = runId();
        const calls: CallSample[] = [];
        const bare: number[] = [];
        for (let i = 0; i < CALLS; i++) {
          const caller = s.fx.callers[i % s.fx.callers.length] as Caller;
          calls.push(await oneCall(s.page, line, caller, `bench-hook-${run}-${i}`, i, before.offset));
          if ((i + 1) % 50 === 0) ctx.log(`  ${i + 1} of ${CALLS} calls`);
          await pause(200 + random() * 300);
          // The baseline round, the same way: arm, send, the frame that shows it, clear.
          await baseline.page.evaluate(
            `window.__ctiBench.arm(${JSON.stringify(caller.shownKey)}, null, ${JSON.stringify(`none-${i}`)})`,
          );
          const sentAt = baseline.send(caller);
          const marks = await baseline.page.evaluate<Marks | null>(`window.__ctiBench.wait('frame', 15000)`);
          if (!marks?.frameAt) throw new Error(`baseline round ${i}: nothing shown within 15 s`);
          bare.push(marks.frameAt - baseBefore.offset - sentAt);
          baseline.clear();
          await baseline.page.evaluate(`window.__ctiBench.wait('gone', 15000)`);
          await pause(200 + random() * 300);
        }
        const after = await clockOffset(s.page);
        ctx.log(
          `  clocks: page − bench ${before.offset.toFixed(2)} ms before, ${after.offset.toFixed(2)} ms after ` +
            `(read within ±${Math.max(before.error, after.error).toFixed(2)} ms); baseline page ±${baseBefore.error.toFixed(2)} ms`,
        );
        describeParts(ctx, `local hook, ${CALLS} calls`, calls);
        ctx.log(`    GET /cti/ring: ${describeSamples(calls.filter((c) => c.get).map((c) => c.ms))}`);
        ctx.log(`    POST /cti/events: ${describeSamples(calls.filter((c) => !c.get).map((c) => c.ms))}`);
        ctx.log(`  bare WebSocket → DOM → frame (own tab, same browser): ${describeSamples(bare)}`);
        const span =
          'from the request to the desk hook on 127.0.0.1 (fresh connection; GET /cti/ring and POST /cti/events ' +
          'alternating) to the first animation frame after the number is in the pop, observed in the page ' +
          '(MutationObserver + requestAnimationFrame, Chromium with vsync); every call counted, the first of the ' +
          "console's life included; after it: the caller-ID name's render, the hangup, the call log's push to the server";
        ctx.log(`  ${span}; ${s.fx.data}`);
        const p95 = percentile(
          calls.map((c) => c.ms),
          95,
        );
        return [
          {
            key,
            value: round(p95, 1),
            unit: 'ms',
            budget: POP_BUDGET_MS,
            ratio: round(p95 / percentile(bare, 95), 2),
            ratioTo: 'a bare WebSocket message → DOM → frame in the same browser',
            data: s.fx.data,
            span,
          },
        ];
      } finally {
        await baseline.close();
      }
    },
  };
}

export function popCentralBench(): Bench {
  const key = 'cti.pop_central_p95_ms';
  return {
    name: 'screen pop from the Zammad-compatible webhook via the server, 200 calls',
    keys: [key],
    async run(ctx): Promise<BenchEntry[]> {
      const s = await openSession(ctx);
      const before = await clockOffset(s.page);
      const line = webhookLine(s.fx);
      const random = prng(11);
      const run = runId();
      const calls: CallSample[] = [];
      // The other lines of the PBX ring, answer and hang up for other agents all the while.
      const traffic = startPbxTraffic(s.fx, s.fx.callers.slice(2 * CALLS));
      let sent: Awaited<ReturnType<typeof traffic.stop>>;
      try {
        for (let i = 0; i < CALLS; i++) {
          // Callers the local bench did not use.
          const caller = s.fx.callers[(CALLS + i) % s.fx.callers.length] as Caller;
          calls.push(await oneCall(s.page, line, caller, `bench-pbx-${run}-${i}`, i, before.offset));
          if ((i + 1) % 50 === 0) ctx.log(`  ${i + 1} of ${CALLS} calls`);
          await pause(200 + random() * 300);
        }
      } finally {
        sent = await traffic.stop();
      }
      if (sent.failed > 0) throw new Error(`${sent.failed} background webhook events failed: ${sent.firstError}`);
      const after = await clockOffset(s.page);
      ctx.log(
        `  clocks: page − bench ${before.offset.toFixed(2)} ms before, ${after.offset.toFixed(2)} ms after ` +
          `(read within ±${Math.max(before.error, after.error).toFixed(2)} ms)`,
      );
      ctx.log(
        `  background: ${TRAFFIC_SENDERS} other PBX lines sent ${sent.events.toLocaleString('en-US')} events for ` +
          `other agents in ${sent.seconds.toFixed(0)} s (${(sent.events / sent.seconds).toFixed(1)} a second), all 2xx`,
      );
      describeParts(ctx, `webhook newCall user=${s.fx.agent.extension ?? s.fx.agent.username}, ${CALLS} calls`, calls);
      const span =
        "from the POST of newCall (user = the agent's extension; fresh connection) to the central server to the " +
        `first animation frame after the number is in the pop on ${s.fx.agent.username}'s console (server → live ` +
        'socket → desk host → renderer; MutationObserver + requestAnimationFrame, Chromium with vsync), while ' +
        `${TRAFFIC_SENDERS} other PBX lines ring, answer and hang up calls of other agents (~${(sent.events / sent.seconds).toFixed(0)} events/s); ` +
        "every call counted; after it: the caller-ID name's render, the hangup";
      ctx.log(`  ${span}; ${s.fx.data}`);
      const p95 = percentile(
        calls.map((c) => c.ms),
        95,
      );
      return [{ key, value: round(p95, 1), unit: 'ms', budget: POP_CENTRAL_BUDGET_MS, data: s.fx.data, span }];
    },
  };
}
