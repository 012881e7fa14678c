/**
 * Group commit for pushes (issue 13: ≥ 2,000 mutations/s from 50 desks on PGlite, ≥ 5,000 on PostgreSQL). Many
 * desks push small batches at once; one transaction each spends most of its time on per-transaction work (the
 * client-row lock, the commit and its WAL flush, a statement per table). Pushes that arrive together run as one
 * group (../db/group-commit, ./push pushGroup): one transaction, one statement per table, one commit.
 *
 * Exactly-once is untouched: a push's response is sent only after its group committed, and a group never holds two
 * pushes of the same console (the later one waits for the next group, so it sees the first one's result).
 */
import type { PushResponse } from '../../common/sync';
import type { Db } from '../db/driver';
import { createGroupCommitQueue } from '../db/group-commit';
import { pushGroup, type PushItem } from './push';

/** Pushes (and mutations) per group: a group stays one short transaction. */
const MAX_GROUP_PUSHES = 64;
const MAX_GROUP_MUTATIONS = 1_000;

export interface PushQueue {
  push(item: PushItem): Promise<PushResponse>;
}

/**
 * `parallel`: groups in flight at once — 1 on PGlite (one connection: a second transaction would only wait), a
 * few on PostgreSQL (the pool serves the other routes too).
 */
export function createPushQueue(db: Db, parallel = db.kind === 'pglite' ? 1 : 4): PushQueue {
  const queue = createGroupCommitQueue<PushItem, PushResponse>({
    parallel,
    take: takeGroup,
    async runGroup(items) {
      const outcomes = await pushGroup(db, items);
      return items.map((_, i) => outcomes[i] ?? new Error('push group returned no outcome'));
    },
  });
  return { push: (item) => queue.run(item) };
}

/** The next group: oldest first, at most one push per console, within the size limits. */
function takeGroup(waiting: PushItem[]): number[] {
  const picked: number[] = [];
  const clients = new Set<string>();
  let mutations = 0;
  for (let i = 0; i < waiting.length && picked.length < MAX_GROUP_PUSHES; i++) {
    const item = waiting[i] as PushItem;
    const n = item.req.mutations.length;
    const client = item.req.clientId.toLowerCase().replaceAll('-', '');
    if (clients.has(client) || (picked.length > 0 && mutations + n > MAX_GROUP_MUTATIONS)) continue;
    clients.add(client);
    mutations += n;
    picked.push(i);
  }
  return picked;
}
