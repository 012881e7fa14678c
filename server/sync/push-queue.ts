/**
 * Group commit for pushes (issue 13: ≥ 2,000 mutations/s from 50 desks on PGlite, ≥ 5,000 on PostgreSQL). Many
 * desks push small batches at once; one transaction each spends most of its time on per-transaction work (the
 * client-row lock, the commit and its WAL flush, a statement per table). Pushes that arrive while `parallel` groups
 * are running wait and then run together as one group (./push pushGroup): one transaction, one statement per
 * table, one commit. An idle server runs a push at once, alone; nothing waits on a timer.
 *
 * Exactly-once is untouched: a push's response is sent only after its group committed, and a group never holds two
 * pushes of the same console (the later one waits for the next group, so it sees the first one's result).
 */
import type { PushResponse } from '../../common/sync';
import type { Db } from '../db/driver';
import { pushGroup, type PushItem } from './push';

/** Pushes (and mutations) per group: a group stays one short transaction. */
const MAX_GROUP_PUSHES = 64;
const MAX_GROUP_MUTATIONS = 1_000;

interface Waiting {
  item: PushItem;
  resolve(res: PushResponse): void;
  reject(err: Error): void;
}

export interface PushQueue {
  push(item: PushItem): Promise<PushResponse>;
}

/**
 * `parallel`: groups in flight at once — 1 on PGlite (one connection: a second transaction would only wait), a
 * few on PostgreSQL (the pool serves the other routes too).
 */
export function createPushQueue(db: Db, parallel = db.kind === 'pglite' ? 1 : 4): PushQueue {
  const waiting: Waiting[] = [];
  let running = 0;

  /** The next group: oldest first, at most one push per console, within the size limits. */
  function take(): Waiting[] {
    const group: Waiting[] = [];
    const clients = new Set<string>();
    let mutations = 0;
    for (let i = 0; i < waiting.length && group.length < MAX_GROUP_PUSHES;) {
      const w = waiting[i] as Waiting;
      const n = w.item.req.mutations.length;
      const client = w.item.req.clientId.toLowerCase().replaceAll('-', '');
      if (clients.has(client) || (group.length > 0 && mutations + n > MAX_GROUP_MUTATIONS)) {
        i++;
        continue;
      }
      clients.add(client);
      mutations += n;
      group.push(w);
      waiting.splice(i, 1);
    }
    return group;
  }

  function drain(): void {
    while (running < parallel && waiting.length > 0) {
      const group = take();
      running += 1;
      void pushGroup(
        db,
        group.map((w) => w.item),
      )
        .then(
          (outcomes) =>
            group.forEach((w, i) => {
              const outcome = outcomes[i];
              if (outcome instanceof Error) w.reject(outcome);
              else if (outcome) w.resolve(outcome);
              else w.reject(new Error('push group returned no outcome'));
            }),
          (err: unknown) => group.forEach((w) => w.reject(err instanceof Error ? err : new Error(String(err)))),
        )
        .finally(() => {
          running -= 1;
          drain();
        });
    }
  }

  return {
    push(item) {
      return new Promise<PushResponse>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        drain();
      });
    },
  };
}
