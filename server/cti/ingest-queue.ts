/**
 * Group commit for call events (issue 13: ≥ 1,000 webhook events/s from 20 PBX senders). One transaction per event
 * spends much of its time on per-transaction work (BEGIN, the commit, the change-log and NOTIFY statements, the
 * staff list); on PGlite's one connection every statement counts. Requests that arrive together run as one group
 * (../db/group-commit, ./ingest-group).
 *
 * Exactly-once is untouched: a request is answered only after its group committed, and an event already processed
 * (a retried webhook) is a duplicate whichever group it lands in.
 */
import type { Db } from '../db/driver';
import { createGroupCommitQueue } from '../db/group-commit';
import type { IngestJob } from './ingest';
import { ingestCallEventGroup } from './ingest-group';

/** Requests per group: a group stays one short transaction (a request carries at most 100 events). */
const MAX_GROUP_JOBS = 50;

export interface IngestQueue {
  run<R>(job: IngestJob<R>): Promise<R>;
}

/** `parallel`: groups in flight at once — 1 on PGlite (one connection), a few on PostgreSQL. */
export function createIngestQueue(db: Db, now: () => Date, parallel = db.kind === 'pglite' ? 1 : 4): IngestQueue {
  const queue = createGroupCommitQueue<IngestJob<unknown>, unknown>({
    parallel,
    // The oldest requests.
    take: (waiting) => waiting.slice(0, MAX_GROUP_JOBS).map((_, i) => i),
    runGroup: async (jobs) => (await ingestCallEventGroup(db, jobs, now)) as Array<unknown>,
  });
  return { run: <R>(job: IngestJob<R>) => queue.run(job) as Promise<R> };
}
