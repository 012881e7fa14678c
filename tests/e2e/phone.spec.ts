/**
 * A real phone on the agent's desk (issue 10 "Tests"): baresip is the agent's softphone (ctrl_tcp to the desk's
 * adapter), sipp calls it as a demo resident's mobile. The console in Chromium pops the call with that resident;
 * F8 answers through baresip (`accept` → CALL_ESTABLISHED → presence on_call); the caller hangs up → wrap-up;
 * the server's call log has the call with talking seconds. A second call nobody answers, reported at the same time
 * by "the PBX" to the Zammad-compatible endpoint, stays one call: one missed call in the callback queue.
 */
import { expect, test } from '@playwright/test';
import { formatPhoneForDisplay, maskPhone } from '../../common/residents/phone';
import { placeCall, softphoneMissing, startBaresip, type Baresip } from '../support/baresip';
import { apiToken, signIn, useStack } from './stack';

const CTI_TOKEN = 'e2e-pbx-token-0123456789';
const EXTENSION = '8001'; // agent01's extension in the demo seed
const missing = softphoneMissing();
let baresip: Baresip | null = null;

const stack = useStack(async () => {
  if (missing) return {};
  baresip = await startBaresip();
  return {
    ctiToken: CTI_TOKEN,
    ctiSettings: { extension: EXTENSION, baresip: { enabled: true, host: '127.0.0.1', port: baresip.ctrlPort } },
  };
});
test.afterAll(async () => {
  await baresip?.stop();
});

interface ServerCall {
  id: string;
  callId: string;
  from: string | null;
  state: string;
  missed: boolean;
  talkingSeconds: number | null;
  legs: { source: string }[];
  callback: { state: string };
}

async function serverCalls(serverUrl: string, token: string): Promise<ServerCall[]> {
  const res = await fetch(`${serverUrl}/api/v1/calls?limit=200`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: ServerCall[] }).items;
}

/**
 * Demo residents whose mobile number is theirs alone (a shared number would make the agent choose). The directory
 * carries numbers masked (issue 11 §4): the whole number is the resident's full record (an audited read).
 */
async function residentsWithOwnMobile(serverUrl: string, token: string, count: number) {
  const auth = { headers: { authorization: `Bearer ${token}` } };
  const page = (await (await fetch(`${serverUrl}/api/v1/residents/directory?limit=300&v=2`, auth)).json()) as {
    items: { id: string; name?: string; phones?: { shown: string }[] }[];
  };
  const found: { name: string; mobile: string }[] = [];
  for (const r of page.items) {
    if (!r.name || !r.phones?.some((p) => p.shown.startsWith('1'))) continue;
    const full = (await (await fetch(`${serverUrl}/api/v1/residents/${encodeURIComponent(r.id)}`, auth)).json()) as {
      resident: { phones: { raw: string; e164: string | null }[] };
    };
    const mobile = full.resident.phones.find((p) => p.e164?.startsWith('+861'))?.e164?.slice(3);
    if (!mobile) continue;
    const same = (await (await fetch(`${serverUrl}/api/v1/residents?phone=${mobile}`, auth)).json()) as {
      items: unknown[];
    };
    if (same.items.length === 1) found.push({ name: r.name, mobile });
    if (found.length === count) return found;
  }
  throw new Error('the demo has too few residents with a mobile of their own');
}

async function zammad(serverUrl: string, body: Record<string, unknown>): Promise<unknown> {
  const res = await fetch(`${serverUrl}/api/v1/cti/generic/${CTI_TOKEN}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return res.json();
}

test('a softphone call pops the resident, F8 answers, hang-up → wrap-up; an unanswered one is one missed call', async ({
  page,
}) => {
  test.skip(missing !== null, `needs a real softphone: ${missing}`);
  test.setTimeout(180_000);
  const { serverUrl, consoleUrl } = stack();
  const token = await apiToken(serverUrl);
  const [caller, giveUp] = await residentsWithOwnMobile(serverUrl, token, 2);
  if (!caller || !giveUp || !baresip) throw new Error('unreachable');

  await signIn(page, consoleUrl);
  await expect(page.getByRole('status', { name: '同步状态' })).toContainText('话机已连接', { timeout: 30_000 });

  // 1. The resident calls; the pop names them before anyone answers.
  const answered = await placeCall({
    sipPort: baresip.sipPort,
    caller: caller.mobile,
    callerName: 'Resident',
    kind: 'answered',
    holdMs: 2500,
    timeoutS: 30,
  });
  const pop = page.getByRole('region', { name: '来电' });
  await expect(pop).toBeVisible({ timeout: 15_000 });
  await expect(pop).toContainText(caller.name);
  // The caller's number is masked; its reveal (recorded on the server) reads the whole of it.
  await expect(pop).toContainText(maskPhone(caller.mobile));
  await expect(pop).not.toContainText(formatPhoneForDisplay(caller.mobile));
  await pop.getByRole('button', { name: /完整号码/ }).click();
  await expect(pop).toContainText(formatPhoneForDisplay(caller.mobile), { timeout: 10_000 });

  // 2. F8 answers from anywhere, also from a text field.
  await page.keyboard.press('F8');
  await expect(page.getByRole('button', { name: /在线状态/ })).toContainText('通话中', { timeout: 10_000 });

  // 3. The caller hangs up: the agent is in wrap-up, with the form for the call.
  expect((await answered.done).code).toBe(0);
  await expect(page.getByRole('button', { name: /在线状态/ })).toContainText('话后处理', { timeout: 15_000 });
  await expect(page.getByText(/通话小结 ·/)).toBeVisible();

  await expect(async () => {
    // The call log sends numbers masked (issue 11 §4).
    const mine = (await serverCalls(serverUrl, token)).filter((c) => c.from === maskPhone(caller.mobile));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ state: 'ended', missed: false });
    expect(mine[0]?.talkingSeconds ?? 0).toBeGreaterThan(1);
  }).toPass({ timeout: 20_000 });

  // 4. A call nobody answers, reported by the softphone and by the PBX (Zammad-compatible webhook): one missed call.
  const before = (await serverCalls(serverUrl, token)).filter((c) => c.missed && c.callback.state === 'open').length;
  const unanswered = await placeCall({
    sipPort: baresip.sipPort,
    caller: giveUp.mobile,
    callerName: 'Resident',
    kind: 'giveUp',
    holdMs: 3000,
    timeoutS: 30,
  });
  const pbx = { from: giveUp.mobile, to: '4008001234', direction: 'in', callId: 'pbx-e2e-1' };
  expect(await zammad(serverUrl, { event: 'newCall', ...pbx, user: [EXTENSION, '8002'] })).toEqual({});
  await expect(pop).toContainText(giveUp.name, { timeout: 15_000 });
  await unanswered.done;
  expect(await zammad(serverUrl, { event: 'hangup', ...pbx, cause: 'cancel' })).toEqual({});

  await expect(async () => {
    const theirs = (await serverCalls(serverUrl, token)).filter((c) => c.from === maskPhone(giveUp.mobile));
    expect(theirs).toHaveLength(1);
    expect(theirs[0]).toMatchObject({ callId: 'pbx-e2e-1', state: 'ended', missed: true, callback: { state: 'open' } });
    expect(theirs[0]?.legs.map((l) => l.source).sort()).toEqual(['baresip', 'zammad']);
    const open = (await serverCalls(serverUrl, token)).filter((c) => c.missed && c.callback.state === 'open').length;
    expect(open).toBe(before + 1);
  }).toPass({ timeout: 20_000 });
  await expect(pop).toBeHidden({ timeout: 10_000 });
});
