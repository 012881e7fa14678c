/**
 * View counts while the cache bulk-loads (main/services/view-counts): taken at most every BULK_COUNTS_EVERY_MS,
 * again after the agent's own change or for another user, and always fresh once the bulk load is over.
 */
import { describe, expect, it } from 'vitest';
import { BULK_COUNTS_EVERY_MS, createViewCounts } from '../../main/services/view-counts';

function setup() {
  let time = 0;
  let loading = true;
  let taken = 0;
  const counts = createViewCounts(
    () => [{ id: 'all' as const, count: ++taken }],
    () => loading,
    () => time,
  );
  return {
    counts,
    advance: (ms: number) => (time += ms),
    stopLoading: () => (loading = false),
    taken: () => taken,
  };
}

describe('view counts during a bulk load', () => {
  it('answers with the last counts until they are BULK_COUNTS_EVERY_MS old', () => {
    const s = setup();
    expect(s.counts.get('u1')[0]?.count).toBe(1);
    s.advance(BULK_COUNTS_EVERY_MS - 1);
    expect(s.counts.get('u1')[0]?.count).toBe(1);
    s.advance(1);
    expect(s.counts.get('u1')[0]?.count).toBe(2);
    expect(s.taken()).toBe(2);
  });

  it("counts again after the agent's own change and for another user", () => {
    const s = setup();
    s.counts.get('u1');
    s.counts.forget();
    expect(s.counts.get('u1')[0]?.count).toBe(2);
    expect(s.counts.get('u2')[0]?.count).toBe(3);
  });

  it('counts every time once the bulk load is over', () => {
    const s = setup();
    s.counts.get('u1');
    s.stopLoading();
    expect(s.counts.get('u1')[0]?.count).toBe(2);
    expect(s.counts.get('u1')[0]?.count).toBe(3);
  });
});
