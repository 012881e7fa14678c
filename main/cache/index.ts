/** The cache's repositories over one open database. */
import { createPhoneHashKey, type PhoneHashKey } from '../privacy/phone-hash';
import { createCallRepo, type CallRepo } from './calls';
import type { CacheDb } from './db';
import { createStaffRepo, type StaffRepo } from './staff';
import { createMetaRepo, type MetaRepo } from './meta';
import { createPresenceRepo, type PresenceRepo } from './presence';
import { createTicketRepo, type TicketRepo } from './tickets';

export { openCache, type CacheDb } from './db';
export type { CallRepo, StaffRepo, MetaRepo, PresenceRepo, TicketRepo };

export interface CacheRepos {
  db: CacheDb;
  meta: MetaRepo;
  /** The session's phone hash secret: the repositories hash the whole numbers they are given, then mask them. */
  phoneHash: PhoneHashKey;
  tickets: TicketRepo;
  staff: StaffRepo;
  calls: CallRepo;
  presence: PresenceRepo;
}

export function createRepos(db: CacheDb): CacheRepos {
  const meta = createMetaRepo(db);
  const phoneHash = createPhoneHashKey(meta);
  return {
    db,
    meta,
    phoneHash,
    tickets: createTicketRepo(db, phoneHash.hash),
    staff: createStaffRepo(db),
    calls: createCallRepo(db, phoneHash.hash),
    presence: createPresenceRepo(db),
  };
}
