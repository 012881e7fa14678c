/** The cache's repositories over one open database. */
import { createCallRepo, type CallRepo } from './calls';
import type { CacheDb } from './db';
import { createDirectoryRepo, type DirectoryRepo } from './directory';
import { createMetaRepo, type MetaRepo } from './meta';
import { createPresenceRepo, type PresenceRepo } from './presence';
import { createTicketRepo, type TicketRepo } from './tickets';

export { openCache, type CacheDb } from './db';
export type { CallRepo, DirectoryRepo, MetaRepo, PresenceRepo, TicketRepo };

export interface CacheRepos {
  db: CacheDb;
  meta: MetaRepo;
  tickets: TicketRepo;
  directory: DirectoryRepo;
  calls: CallRepo;
  presence: PresenceRepo;
}

export function createRepos(db: CacheDb): CacheRepos {
  return {
    db,
    meta: createMetaRepo(db),
    tickets: createTicketRepo(db),
    directory: createDirectoryRepo(db),
    calls: createCallRepo(db),
    presence: createPresenceRepo(db),
  };
}
