/** Users carry their skills (JSON array of categories) and capacity (issue 12: lead board, auto-assignment). */
import type { Migration } from '../migrate';

export const migration011: Migration = {
  version: 11,
  up(db) {
    db.exec(`
      ALTER TABLE users ADD COLUMN skills TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE users ADD COLUMN capacity INTEGER;
    `);
  },
};
