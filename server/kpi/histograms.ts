/**
 * Percentiles of the KPI report from the daily histograms of whole minutes (migrations 0021, 0023): a group's
 * histogram rows over a range arrive as parallel arrays (./rollup-sql histogramsSql) and are merged here per period
 * and over the whole range; each merged histogram gives exactly what percentile_cont gives over the same values.
 *
 * Merged here rather than in SQL: a year by day per agent is ~13k small histograms from ~110k rows, and merging them
 * in SQL (GROUP BY period, group and minute, then a running count; or percentile_cont over the rows repeated) cost
 * several times more than reading them. Here the values are sorted as numbers in typed arrays, natively.
 */
import { periodStart, type KpiPeriod } from '../../common/kpi/periods';

const DAY_MS = 86_400_000;

/**
 * One group's histogram rows over the range, as histogramsSql returns them: row i counts `counts[i]` values of
 * `minutes[i]` on day `days[i]` (days since the range's first). Ledger rows: a minute may repeat, negatively too
 * (a change subtracts the old value's count).
 */
export interface GroupHistograms {
  g: string | null;
  days: number[];
  minutes: number[];
  counts: number[];
}

/** Each period's percentiles for a group (`b`: the period's start, epoch seconds), or over the range (`b` null). */
export interface GroupPercentiles {
  b: number | null;
  g: string | null;
  values: number[];
}

/** The period start (epoch seconds) of each site day of [start, end) (instants at site midnight). */
export function periodOfDays(period: KpiPeriod, start: number, end: number, offsetMinutes: number): number[] {
  const out: number[] = [];
  for (let day = start; day < end; day += DAY_MS) out.push(periodStart(period, day, offsetMinutes) / 1000);
  return out;
}

/**
 * percentile_cont(p) for each p of `ps` over sorted[from, to), as PostgreSQL computes it: the values at ranks floor
 * and ceil of p·(n − 1) and lo + (p·(n − 1) − floor) · (hi − lo) in float8, the same operations so the same number.
 */
export function percentileCont(sorted: ArrayLike<number>, from: number, to: number, ps: readonly number[]): number[] {
  const n = to - from;
  return ps.map((p) => {
    const rank = p * (n - 1);
    const lo = sorted[from + Math.floor(rank)] as number;
    return lo + (rank - Math.floor(rank)) * ((sorted[from + Math.ceil(rank)] as number) - lo);
  });
}

/**
 * A value's sort key within a group: its period's index, then the minute. Exact in a float64 for fewer than 2^21
 * periods (a report has at most 366) and any int minute.
 */
const MINUTES = 2 ** 32;
const keyOf = (period: number, minute: number) => period * MINUTES + (minute + 2 ** 31);
const periodOfKey = (key: number) => Math.floor(key / MINUTES);
const minuteOfKey = (key: number) => (key % MINUTES) - 2 ** 31;

/**
 * The percentiles `ps` of each group per period and over the whole range. `periodOfDay[d]` is the start of day d's
 * period. Periods and groups without a value have no entry, as percentile_cont's GROUP BY has no row for them.
 */
export function histogramPercentiles(
  groups: readonly GroupHistograms[],
  periodOfDay: readonly number[],
  ps: readonly number[],
): GroupPercentiles[] {
  const periodStarts = [...new Set(periodOfDay)];
  const periodIndex = periodOfDay.map((b) => periodStarts.indexOf(b));
  const out: GroupPercentiles[] = [];
  for (const { g, days, minutes, counts } of groups) {
    const keys = sortedValues(counts, (row) =>
      keyOf(periodIndex[days[row] as number] as number, minutes[row] as number),
    );
    if (keys.length === 0) continue;
    // In key order, each period's minutes are a sorted run.
    const sorted = new Float64Array(keys.length);
    for (let i = 0; i < keys.length; i++) sorted[i] = minuteOfKey(keys[i] as number);
    for (let from = 0; from < keys.length;) {
      const period = periodOfKey(keys[from] as number);
      let to = from + 1;
      while (to < keys.length && periodOfKey(keys[to] as number) === period) to++;
      out.push({ b: periodStarts[period] as number, g, values: percentileCont(sorted, from, to, ps) });
      from = to;
    }
    sorted.sort();
    out.push({ b: null, g, values: percentileCont(sorted, 0, sorted.length, ps) });
  }
  return out;
}

/**
 * The values the rows count, each as `key(row)`, sorted: a row counting c > 0 values gives c keys, and one
 * subtracting c (a ledger's negative row) takes c of the same key away.
 */
function sortedValues(counts: readonly number[], key: (row: number) => number): Float64Array {
  let added = 0;
  let taken = 0;
  for (const c of counts) {
    if (c > 0) added += c;
    else taken -= c;
  }
  const plus = new Float64Array(added);
  const minus = new Float64Array(taken);
  added = taken = 0;
  for (let row = 0; row < counts.length; row++) {
    const k = key(row);
    for (let c = counts[row] as number; c > 0; c--) plus[added++] = k;
    for (let c = counts[row] as number; c < 0; c++) minus[taken++] = k;
  }
  plus.sort();
  if (taken === 0) return plus;
  minus.sort();
  // plus minus minus, as multisets: both sorted, one pass.
  const kept = new Float64Array(plus.length);
  let n = 0;
  let j = 0;
  for (const k of plus) {
    while (j < minus.length && (minus[j] as number) < k) j++;
    if (j < minus.length && minus[j] === k) j++;
    else kept[n++] = k;
  }
  return kept.subarray(0, n);
}
