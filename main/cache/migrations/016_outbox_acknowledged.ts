/**
 * An acknowledged mutation stays in the outbox until a pull carries its effect (DESIGN.md §5: the pull's
 * `lastMutationId` drops outbox rows, a push only marks them). A push answers as soon as its transaction commits,
 * but the next pull may end below that transaction (an older one still open holds the horizon back): had the push
 * deleted the row, the rebase of that pull dropped the optimistic copy, and the change vanished from the desk until
 * a later pull — for good if the desk was killed in between (the kill run found re-sent comments on PostgreSQL).
 */
import type { Migration } from '../migrate';

export const migration016: Migration = {
  version: 16,
  up(db) {
    db.exec(`
      -- 1 once the server has acknowledged the mutation: never sent again, still re-applied by a rebase.
      ALTER TABLE outbox ADD COLUMN acked INTEGER NOT NULL DEFAULT 0;
    `);
  },
};
