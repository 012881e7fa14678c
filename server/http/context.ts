/** What route modules need from the server: storage and the clock (injectable for tests). */
import type { Db } from '../db/driver';

export interface ServerDeps {
  db: Db;
  now: () => Date;
}
