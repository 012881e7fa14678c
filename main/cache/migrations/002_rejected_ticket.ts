/** A rejected change remembers the ticket it was about, so the agent can open it from the review list. */
import type { Migration } from '../migrate';

export const migration002: Migration = {
  version: 2,
  up(db) {
    db.exec(`ALTER TABLE rejected_mutations ADD COLUMN ticket_id TEXT`);
  },
};
