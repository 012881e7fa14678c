/**
 * The PBX's other calls while a measured call rings (DESIGN.md §9 rule 4): SENDERS lines, each posting its calls'
 * newCall → answer → hangup to the Zammad-compatible endpoint for another agent than the measured one, one event
 * every GAP_MS or so (seeded random), over keep-alive connections — a busy desk's traffic, not a flood (the flood is
 * cti.events_per_s). Runs until stopped; every reply is checked and counted.
 */
import { randomBytes } from 'node:crypto';
import { prng } from '../sync/fixtures';
import { CTI_TOKEN, type Caller, type CtiFixture } from './desk-fixture';

export const TRAFFIC_SENDERS = 20;
/** Mean pause between two events of one line: 20 lines → ~20 events a second in all. */
const GAP_MS = 1_000;
const SITE_NUMBER = '4008208820';

export interface PbxTraffic {
  /** Stops the lines after their current request; resolves with what they sent. */
  stop(): Promise<{ events: number; failed: number; firstError: string | null; seconds: number }>;
}

export function startPbxTraffic(fx: CtiFixture, callers: readonly Caller[]): PbxTraffic {
  const url = `${fx.server.url}/api/v1/cti/generic/${CTI_TOKEN}`;
  const others = fx.agents.filter((a) => a.extension !== fx.agent.extension);
  if (others.length === 0) throw new Error('no other agent with an extension for the background calls');
  const run = randomBytes(3).toString('hex');
  const random = prng(31);
  const started = performance.now();
  let stopped = false;
  let events = 0;
  let failed = 0;
  let firstError: string | null = null;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const line = async (n: number) => {
    const agent = others[n % others.length]?.extension ?? '';
    await sleep(random() * GAP_MS * 2);
    for (let call = 0; !stopped; call++) {
      const caller = callers[(n * 53 + call) % callers.length] as Caller;
      const callId = `bench-bg-${run}-${n}-${call}`;
      const base = { direction: 'in', from: caller.from, to: SITE_NUMBER, callId };
      const steps = [
        { ...base, event: 'newCall', user: agent },
        { ...base, event: 'answer', answeringNumber: agent },
        { ...base, event: 'hangup', cause: 'normalClearing' },
      ];
      for (const params of steps) {
        if (stopped) return;
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(params),
          });
          const body = await res.text();
          if (res.ok) events += 1;
          else {
            failed += 1;
            firstError ??= `${res.status} ${body}`.slice(0, 300);
          }
        } catch (err) {
          failed += 1;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
        await sleep(random() * GAP_MS * 2);
      }
    }
  };
  const lines = Promise.all(Array.from({ length: TRAFFIC_SENDERS }, (_, n) => line(n)));
  return {
    async stop() {
      stopped = true;
      await lines;
      return { events, failed, firstError, seconds: (performance.now() - started) / 1000 };
    },
  };
}
