/** The cache's repositories over one open database. */
import { createPhoneHashKey, type PhoneHashKey } from '../privacy/phone-hash';
import { createCallRepo, type CallRepo } from './calls';
import type { CacheDb } from './db';
import { createStaffRepo, type StaffRepo } from './staff';
import { createMetaRepo, type MetaRepo } from './meta';
import { createPresenceRepo, type PresenceRepo } from './presence';
import { createTicketHistoryRepo, type TicketHistoryRepo } from './ticket-history';
import { createTicketRepo, type TicketRepo } from './tickets';

export { openCache, type CacheDb } from './db';
export type { CallRepo, StaffRepo, MetaRepo, PresenceRepo, TicketHistoryRepo, TicketRepo };

export interface CacheRepos {
  db: CacheDb;
  meta: MetaRepo;
  /** The session's phone hash secret: the repositories hash the whole numbers they are given, then mask them. */
  phoneHash: PhoneHashKey;
  tickets: TicketRepo;
  /** Tickets whose events the cache lacks (a first pull's snapshot left them out). */
  history: TicketHistoryRepo;
  staff: StaffRepo;
  calls: CallRepo;
  presence: PresenceRepo;
}

export function createRepos(db: CacheDb): CacheRepos {
  const meta = createMetaRepo(db);
  const phoneHash = createPhoneHashKey(meta);
  const tickets = createTicketRepo(db, phoneHash.hash);
  return {
    db,
    meta,
    phoneHash,
    tickets,
    history: createTicketHistoryRepo(db, tickets),
    staff: createStaffRepo(db),
    calls: createCallRepo(db, phoneHash.hash),
    presence: createPresenceRepo(db),
  };
}
