/**
 * Tickets whose history (events) is not in the cache (issue 13): a first pull's snapshot sends the events of the
 * tickets agents work on only; the others are listed here until their events are fetched on open
 * (main/sync/history-fetch). A cache filled before schema 6 has every event, so the table starts empty.
 */
import type { Migration } from '../migrate';

export const migration013: Migration = {
  version: 13,
  up(db) {
    db.exec(`CREATE TABLE ticket_history_missing (ticket_id TEXT PRIMARY KEY) WITHOUT ROWID;`);
  },
};
