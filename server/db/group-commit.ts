/**
 * Group commit (issue 13): requests that arrive while `parallel` groups are running wait, then run together as one
 * group — one transaction for many small writes, which on PGlite's one connection is most of the cost. An idle server
 * runs a request alone on the next turn of the event loop; nothing waits on a timer. Each request is answered only
 * after its group finished (so after the commit): what a group means for exactly-once is the runner's business
 * (server/sync/push-queue, server/cti/ingest-queue).
 */

/** The group's outcome for each item, in order: an answer, or the error that item gets. */
export type GroupRunner<Item, Answer> = (items: Item[]) => Promise<Array<Answer | Error>>;

export interface GroupCommitQueue<Item, Answer> {
  run(item: Item): Promise<Answer>;
}

interface Waiting<Item, Answer> {
  item: Item;
  resolve(answer: Answer): void;
  reject(err: Error): void;
}

export function createGroupCommitQueue<Item, Answer>(options: {
  runGroup: GroupRunner<Item, Answer>;
  /** Groups in flight at once: 1 on PGlite (one connection: a second transaction would only wait), a few on PostgreSQL. */
  parallel: number;
  /** Removes the next group from `waiting` (oldest first; within the runner's limits). */
  take(waiting: Item[]): number[];
}): GroupCommitQueue<Item, Answer> {
  const waiting: Array<Waiting<Item, Answer>> = [];
  let running = 0;

  /** Removes and returns the group `take` picked from the waiting items. */
  function nextGroup(): Array<Waiting<Item, Answer>> {
    const picked = new Set(options.take(waiting.map((w) => w.item)));
    const group = waiting.filter((_, i) => picked.has(i));
    for (let i = waiting.length - 1; i >= 0; i--) if (picked.has(i)) waiting.splice(i, 1);
    return group;
  }

  /**
   * Drains on the next turn of the event loop, not at once: PGlite runs a whole transaction in promise callbacks,
   * so the requests that arrived meanwhile are still reading their bodies until I/O gets its turn. Waiting that one
   * turn lets them join the next group instead of each running alone behind it.
   */
  let scheduled = false;
  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      drain();
    });
  }

  function drain(): void {
    while (running < options.parallel && waiting.length > 0) {
      const group = nextGroup();
      if (group.length === 0) return;
      running += 1;
      void options
        .runGroup(group.map((w) => w.item))
        .then(
          (outcomes) =>
            group.forEach((w, i) => {
              const outcome = outcomes[i];
              if (outcome instanceof Error) w.reject(outcome);
              else w.resolve(outcome as Answer);
            }),
          (err: unknown) => group.forEach((w) => w.reject(err instanceof Error ? err : new Error(String(err)))),
        )
        .finally(() => {
          running -= 1;
          schedule();
        });
    }
  }

  return {
    run(item) {
      return new Promise<Answer>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        schedule();
      });
    },
  };
}
