/** The shapes `npm run bench` works with (DESIGN.md §9): groups of benches, each yielding keyed figures. */

export type BenchUnit = 'ms' | 's' | 'per_s' | 'MB' | 'count';

/** One measured figure, as written to bench/results.json (plus its key). */
export interface BenchEntry {
  key: string;
  value: number;
  unit: BenchUnit;
  /** A maximum, except for `per_s` figures and `atLeast` ones where it is a minimum (see `withinBudget`). */
  budget: number;
  /** The budget is a minimum (e.g. the kills a crash bench must have made), whatever the unit. */
  atLeast?: boolean;
  /** value ÷ the same figure for the raw baseline named by `ratioTo`. */
  ratio?: number;
  ratioTo?: string;
  /** The data the figure was measured on, e.g. "demo large: 100k tickets, 1.0M events" (DESIGN.md §9 rule 3). */
  data: string;
  /** Where the measurement starts and stops and what runs after it (DESIGN.md §9 rule 7). */
  span: string;
}

/** A key that was not measured in this run, and why (nothing is written to results.json for it). */
export interface BenchSkip {
  key: string;
  skipped: string;
}

/** A key whose bench crashed (nothing is written to results.json for it). */
export interface BenchFailure {
  key: string;
  error: string;
}

export type BenchOutcome = BenchEntry | BenchSkip | BenchFailure;

export interface BenchContext {
  /** Progress line, prefixed with the group and the elapsed time. */
  log(message: string): void;
}

export interface Bench {
  /** Short name for progress output. */
  name: string;
  /** Every key this bench reports, so a crash can be reported against each of them. */
  keys: readonly string[];
  run(ctx: BenchContext): Promise<Array<BenchEntry | BenchSkip>>;
}

export interface BenchGroup {
  name: string;
  description: string;
  /** Builds the group's benches; `dispose` runs after the last one (even when one failed). */
  setup(ctx: BenchContext): Promise<{ benches: Bench[]; dispose(): Promise<void> }>;
}

export const isEntry = (o: BenchOutcome): o is BenchEntry => 'value' in o;
export const isSkip = (o: BenchOutcome): o is BenchSkip => 'skipped' in o;

/** Throughput budgets and `atLeast` ones are minimums; every other budget is a maximum. */
export const budgetIsMinimum = (e: BenchEntry): boolean => e.unit === 'per_s' || e.atLeast === true;

export function withinBudget(e: BenchEntry): boolean {
  return budgetIsMinimum(e) ? e.value >= e.budget : e.value <= e.budget;
}
