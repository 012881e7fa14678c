/**
 * Runs one single-ticket command over many tickets, one after another (the desk methods are per ticket and
 * each write is its own outbox row), reporting progress and collecting every failure with its reason.
 * A failure never stops the rest. Pure apart from the `run` it is given.
 */
export interface BulkFailure {
  id: string;
  reason: string;
}

export interface BulkResult {
  done: string[];
  failed: BulkFailure[];
}

export async function runBulk<T extends { id: string }>(
  items: readonly T[],
  run: (item: T) => Promise<unknown>,
  options: {
    /** Checked before calling `run`: a reason here fails the item without touching it. */
    precheck?: (item: T) => string | null;
    reasonOf: (error: unknown) => string;
    onProgress?: (finished: number, total: number) => void;
  },
): Promise<BulkResult> {
  const result: BulkResult = { done: [], failed: [] };
  let finished = 0;
  for (const item of items) {
    const refused = options.precheck?.(item) ?? null;
    if (refused !== null) {
      result.failed.push({ id: item.id, reason: refused });
    } else {
      try {
        await run(item);
        result.done.push(item.id);
      } catch (error) {
        result.failed.push({ id: item.id, reason: options.reasonOf(error) });
      }
    }
    finished += 1;
    options.onProgress?.(finished, items.length);
  }
  return result;
}
