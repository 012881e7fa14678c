/**
 * An initial sync's `tickets.changed` announcements, coalesced (main/sync/changed-batch): at most one per interval,
 * the agent's own changes at once, and nothing left unannounced at the end.
 */
import { describe, expect, it } from 'vitest';
import { createChangedBatch } from '../../main/sync/changed-batch';

function recorder() {
  const sent: string[][] = [];
  let time = 0;
  const due: Array<{ at: number; run: () => void; cancelled: boolean }> = [];
  const batch = createChangedBatch(
    (event, payload) => {
      expect(event).toBe('tickets.changed');
      sent.push([...(payload as { ids: string[] }).ids]);
    },
    1_000,
    () => time,
    (run, ms) => {
      const entry = { at: time + ms, run, cancelled: false };
      due.push(entry);
      return () => (entry.cancelled = true);
    },
  );
  /** Time passes; the timers due by then run (unless cancelled). */
  const advance = (ms: number) => {
    time += ms;
    for (const entry of due.splice(0)) {
      if (entry.cancelled) continue;
      if (entry.at <= time) entry.run();
      else due.push(entry);
    }
  };
  return { batch, sent, advance, pendingTimers: () => due.filter((d) => !d.cancelled).length };
}

describe('changed batch', () => {
  it('announces the first page at once, then at most once per interval with every id held meanwhile', () => {
    const { batch, sent, advance } = recorder();
    batch.add(['a']);
    expect(sent).toEqual([['a']]);
    advance(400);
    batch.add(['b', 'c']);
    advance(400);
    batch.add(['c', 'd']);
    expect(sent).toEqual([['a']]);
    advance(200); // the interval is over: what was held goes, without waiting for another page
    expect(sent).toEqual([['a'], ['b', 'c', 'd']]);
    batch.add(['e']);
    expect(sent).toEqual([['a'], ['b', 'c', 'd']]);
    advance(1_000);
    expect(sent).toEqual([['a'], ['b', 'c', 'd'], ['e']]);
  });

  it('announces what is held when its interval is over, even if no page follows (a stalled pull)', () => {
    const { batch, sent, advance, pendingTimers } = recorder();
    batch.add(['a']);
    advance(300);
    batch.add(['b']);
    batch.add(['c']);
    expect(pendingTimers()).toBe(1); // one timer for whatever is held
    advance(600);
    expect(sent).toEqual([['a']]);
    advance(100);
    expect(sent).toEqual([['a'], ['b', 'c']]);
    // Announced sooner (asked at once): the timer is cancelled and nothing is announced twice.
    advance(200);
    batch.add(['d']);
    batch.add(['e'], true);
    expect(sent).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
    advance(5_000);
    expect(sent).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
    expect(pendingTimers()).toBe(0);
  });

  it('announces at once when asked (the outbox changed), and flush sends what is held exactly once', () => {
    const { batch, sent, advance } = recorder();
    batch.add(['a']);
    advance(10);
    batch.add(['b'], true);
    advance(10);
    batch.add(['c']);
    batch.flush();
    batch.flush();
    expect(sent).toEqual([['a'], ['b'], ['c']]);
  });

  it('announces a page that changed no ticket (presence, calls) with no ids, as the engine always did', () => {
    const { batch, sent } = recorder();
    batch.add([]);
    expect(sent).toEqual([[]]);
  });

  it('with an interval of 0 (a pull after the initial sync) announces every page', () => {
    const sent: string[][] = [];
    const batch = createChangedBatch((_e, p) => sent.push([...(p as { ids: string[] }).ids]), 0);
    batch.add(['a']);
    batch.add(['b']);
    batch.flush();
    expect(sent).toEqual([['a'], ['b']]);
  });
});
