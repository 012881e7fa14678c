/**
 * Bulk selection as an immutable, insertion-ordered map id → ticket (the snapshot the agent saw, used to
 * offer bulk choices without loading anything). Pure, so the list and the bulk bar share one definition.
 */
import type { RowLike } from './listPosition';

export type Selection<T extends RowLike> = ReadonlyMap<string, T>;

export function toggle<T extends RowLike>(selection: Selection<T>, row: T): Selection<T> {
  const next = new Map(selection);
  if (next.has(row.id)) next.delete(row.id);
  else next.set(row.id, row);
  return next;
}

export function add<T extends RowLike>(selection: Selection<T>, rows: readonly (T | undefined)[]): Selection<T> {
  const next = new Map(selection);
  for (const row of rows) if (row) next.set(row.id, row);
  return next;
}

/** The rows between two indices, both included, in either order (unloaded rows are skipped). */
export function rangeRows<T extends RowLike>(
  rowAt: (index: number) => T | undefined,
  from: number,
  to: number,
): (T | undefined)[] {
  const [lo, hi] = from <= to ? [from, to] : [to, from];
  return Array.from({ length: hi - lo + 1 }, (_, i) => rowAt(lo + i));
}

export function without<T extends RowLike>(selection: Selection<T>, ids: Iterable<string>): Selection<T> {
  const next = new Map(selection);
  for (const id of ids) next.delete(id);
  return next;
}
