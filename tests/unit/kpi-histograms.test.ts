/**
 * The KPI report's percentiles from the daily histograms (server/kpi/histograms.ts): merged per period and over the
 * range, ledger rows that cancel, and percentile_cont's interpolation, against a plain reference (every value
 * listed and sorted). tests/integration/kpi-percentiles.test.ts compares the same with PostgreSQL's percentile_cont.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reportRange } from '../../common/kpi/periods';
import { histogramPercentiles, percentileCont, periodOfDays, type GroupHistograms } from '../../server/kpi/histograms';

const PS = [0.5, 0.9];

/** percentile_cont as PostgreSQL's documentation states it, over the values listed one by one. */
function reference(values: number[], ps: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  return ps.map((p) => {
    const rank = p * (sorted.length - 1);
    const [lo, hi] = [sorted[Math.floor(rank)] as number, sorted[Math.ceil(rank)] as number];
    return lo + (rank - Math.floor(rank)) * (hi - lo);
  });
}

/** Rows of one group: [day, minute, count]. */
const group = (g: string | null, rows: [number, number, number][]): GroupHistograms => ({
  g,
  days: rows.map((r) => r[0]),
  minutes: rows.map((r) => r[1]),
  counts: rows.map((r) => r[2]),
});

/** Three days, each its own period (epoch seconds 0, 86400, 172800 stand in for period starts). */
const THREE_DAYS = [0, 86_400, 172_800];

describe('KPI percentiles from daily histograms', () => {
  it('interpolates between the values at ranks floor and ceil of p·(n − 1)', () => {
    // [5, 10, 60]: median 10; p90 at rank 1.8: 10 + 0.8 × 50 = 50.
    expect(percentileCont([5, 10, 60], 0, 3, PS)).toEqual([10, 50]);
    // [5, 5, 10, 60]: median at rank 1.5 → 5 + 0.5 × 5 = 7.5; p90 at rank 2.7 → 10 + 0.7 × 50, which is
    // 45.00000000000001 in float8 (0.9 × 3 − 2 is not 0.7), as PostgreSQL gives it too.
    expect(percentileCont([5, 5, 10, 60], 0, 4, PS)).toEqual([7.5, 45.00000000000001]);
    // One value, and all values the same.
    expect(percentileCont([42], 0, 1, PS)).toEqual([42, 42]);
    expect(percentileCont([7, 7, 7, 7, 7], 0, 5, PS)).toEqual([7, 7]);
  });

  it('merges days into their periods and over the range; a group or period without values has no entry', () => {
    const weekOfTwoDays = [0, 0, 604_800];
    const out = histogramPercentiles(
      [
        group('a', [
          [0, 5, 1],
          [1, 60, 1],
          [0, 10, 1],
          [2, 3, 2],
        ]),
        group('nobody', []),
      ],
      weekOfTwoDays,
      PS,
    );
    expect(out).toEqual([
      { b: 0, g: 'a', values: reference([5, 10, 60], PS) },
      { b: 604_800, g: 'a', values: [3, 3] },
      { b: null, g: 'a', values: reference([3, 3, 5, 10, 60], PS) },
    ]);
  });

  it('subtracts the ledger rows of values taken back, and drops what nets to nothing', () => {
    const out = histogramPercentiles(
      [
        // Day 0: 10 added, taken back, added again; 20 added twice and taken back once. Day 1: 30 added and taken
        // back (its period has no value left). Day 2: a count of 3 in one row.
        group('a', [
          [0, 10, 1],
          [0, 20, 2],
          [0, 10, -1],
          [1, 30, 1],
          [0, 20, -1],
          [0, 10, 1],
          [1, 30, -1],
          [2, 4, 3],
        ]),
        // Everything taken back: no entry at all.
        group('b', [
          [0, 1, 1],
          [0, 1, -1],
        ]),
      ],
      THREE_DAYS,
      PS,
    );
    expect(out).toEqual([
      { b: 0, g: 'a', values: reference([10, 20], PS) },
      { b: 172_800, g: 'a', values: [4, 4] },
      { b: null, g: 'a', values: reference([4, 4, 4, 10, 20], PS) },
    ]);
  });

  it('orders minutes as numbers, negative and past 2^31 / 60 s too', () => {
    const extremes = [-2_147_483_648, -61, -1, 0, 9, 10, 100, 2_147_483_647];
    const out = histogramPercentiles(
      [
        group(
          null,
          extremes.map((m) => [0, m, 1]),
        ),
      ],
      [0],
      [0, 0.25, 0.5, 1],
    );
    expect(out[0]?.values).toEqual(reference(extremes, [0, 0.25, 0.5, 1]));
  });

  it('gives what percentile_cont gives over the listed values, for any rows', () => {
    const row = fc.tuple(fc.nat(20), fc.integer({ min: -5, max: 3000 }), fc.integer({ min: 1, max: 3 }));
    fc.assert(
      fc.property(fc.array(row, { maxLength: 200 }), fc.array(fc.nat(199), { maxLength: 50 }), (rows, undo) => {
        // Some rows taken back as a ledger does: the same day and minute, counted negatively.
        const taken = [...new Set(undo)].filter((i) => i < rows.length).map((i) => rows[i] as [number, number, number]);
        const ledger = [...rows, ...taken.map(([d, m, c]): [number, number, number] => [d, m, -c])];
        const kept = rows.filter((r) => !taken.includes(r));
        const { start, end } = reportRange('2026-11-01', '2026-11-21', 480);
        const periods = periodOfDays('week', start, end, 480);
        const out = histogramPercentiles([group('g', ledger)], periods, PS);
        const expected = [...new Set(kept.map(([d]) => periods[d] as number))].sort((a, b) => a - b);
        const listed = (b: number | null) =>
          kept.filter(([d]) => b === null || periods[d] === b).flatMap(([, m, c]) => Array<number>(c).fill(m));
        expect(out.map((e) => e.b)).toEqual(kept.length > 0 ? [...expected, null] : []);
        for (const e of out) expect(e.values).toEqual(reference(listed(e.b), PS));
      }),
      { seed: 23, numRuns: 300 },
    );
  });
});
