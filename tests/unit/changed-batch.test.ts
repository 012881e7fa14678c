/**
 * An initial sync's `tickets.changed` announcements, coalesced (main/sync/changed-batch): at most one per interval,
 * the agent's own changes at once, and nothing left unannounced at the end.
 */
import { describe, expect, it } from 'vitest';
import { createChangedBatch } from '../../main/sync/changed-batch';

function recorder() {
  const sent: string[][] = [];
  let time = 0;
  const batch = createChangedBatch(
    (event, payload) => {
      expect(event).toBe('tickets.changed');
      sent.push([...(payload as { ids: string[] }).ids]);
    },
    1_000,
    () => time,
  );
  return { batch, sent, advance: (ms: number) => (time += ms) };
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
    advance(200);
    batch.add(['e']);
    expect(sent).toEqual([['a'], ['b', 'c', 'd', 'e']]);
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
