/**
 * The optimistic calls, found without reading every call (issue 13). Every pull page first puts the server's
 * calls back under the optimistic ones (main/cache/calls `deletePending`): three statements that select by
 * `pending = 1` and, without an index, each read the whole calls table — a few rows wanted, 150k read, on
 * every page of every pull. A partial index holds the pending rows only, so it costs nothing when none are.
 */
import type { Migration } from '../migrate';

export const migration015: Migration = {
  version: 15,
  up(db) {
    db.exec(`CREATE INDEX calls_pending ON calls(pending) WHERE pending = 1;`);
  },
};
