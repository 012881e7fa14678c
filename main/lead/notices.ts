/**
 * The live notice of a reassignment (issue 12 item 1): when a pull brings an `assign` event that someone else made
 * and that moves a ticket to or away from this desk's agent, the console says so ("工单 X 已由 组长 转派给您").
 * Events are read by rowid past the last one looked at (a pull upserts, so rowids only grow), and only recent ones:
 * a fresh profile's initial sync must not replay months of history as notices.
 */
import type { ReassignNotice } from '../../common/lead/board';
import type { CacheRepos } from '../cache';

/** Older events are history, not news. */
export const NOTICE_WINDOW_MS = 10 * 60_000;

interface NoticeRow {
  seq: number;
  id: string;
  ticket_id: string;
  body: string;
  data: string;
  author_id: string | null;
  code: string | null;
}

export interface ReassignNotices {
  /** Notices for assign events that arrived since the last call (the first call only sets the mark). */
  collect(me: string, now: Date): ReassignNotice[];
}

export function createReassignNotices(repos: Pick<CacheRepos, 'db' | 'staff'>): ReassignNotices {
  const { db } = repos;
  const lastSeq = db.prepare<[], { seq: number | null }>('SELECT max(rowid) AS seq FROM ticket_events');
  const arrived = db.prepare<{ after: number; me: string; since: number }, NoticeRow>(
    `SELECT e.rowid AS seq, e.id, e.ticket_id, e.body, e.data, e.author_id, t.code
       FROM ticket_events e LEFT JOIN tickets t ON t.id = e.ticket_id
      WHERE e.rowid > @after AND e.kind = 'assign' AND e.pending = 0 AND e.created_ms >= @since
        AND e.author_id IS NOT @me
        AND (json_extract(e.data, '$.to') = @me OR json_extract(e.data, '$.from') = @me)
      ORDER BY e.rowid`,
  );
  let mark = lastSeq.get()?.seq ?? 0;

  return {
    collect(me, now) {
      const rows = arrived.all({ after: mark, me, since: now.getTime() - NOTICE_WINDOW_MS });
      mark = Math.max(mark, lastSeq.get()?.seq ?? 0);
      if (rows.length === 0) return [];
      const names = new Map(repos.staff.users().map((u) => [u.id, u.name]));
      return rows.map((r) => {
        const data = JSON.parse(r.data) as { to?: unknown };
        return {
          eventId: r.id,
          ticketId: r.ticket_id,
          code: r.code,
          direction: data.to === me ? 'received' : 'lost',
          byName: (r.author_id && names.get(r.author_id)) || '',
          reason: r.body,
        };
      });
    },
  };
}
