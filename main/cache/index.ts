/** The cache's repositories over one open database. */
import type { CacheDb } from './db';
import { createDirectoryRepo, type DirectoryRepo } from './directory';
import { createMetaRepo, type MetaRepo } from './meta';
import { createTicketRepo, type TicketRepo } from './tickets';

export { openCache, type CacheDb } from './db';
export type { DirectoryRepo, MetaRepo, TicketRepo };

export interface CacheRepos {
  db: CacheDb;
  meta: MetaRepo;
  tickets: TicketRepo;
  directory: DirectoryRepo;
}

export function createRepos(db: CacheDb): CacheRepos {
  return {
    db,
    meta: createMetaRepo(db),
    tickets: createTicketRepo(db),
    directory: createDirectoryRepo(db),
  };
}
