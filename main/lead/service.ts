/**
 * The lead board's desk methods (issue 12 item 1): `lead.board` and `lead.reassign` for leads and admins (fail
 * closed: no session or another role is refused here, and the server judges every move again), and the
 * `lead.reassigned` notice for whoever signed in, raised after pulls. main/desk.ts spreads the handlers in.
 */
import type { DeskHandlers } from '../../common/contract';
import type { User } from '../../common/domain';
import { isLead } from '../../common/lead/board';
import type { CacheRepos } from '../cache';
import type { Emit } from '../events';
import { DeskError } from '../session';
import type { Outbox } from '../sync/outbox';
import { createBoardQuery } from './board-query';
import { createReassignNotices } from './notices';
import { createReassigner } from './reassign';

export interface LeadService {
  handlers: Pick<DeskHandlers, 'lead.board' | 'lead.reassign'>;
  /**
   * After the cache's tickets changed (a pull, usually; `ids` may be empty when only presence or calls came): the
   * board re-reads its ticket figures, and this agent hears of tickets moved to or from them.
   */
  onTicketsChanged(ids: readonly string[]): void;
}

const localMidnight = (now: Date) => new Date(now).setHours(0, 0, 0, 0);

export function createLeadService(deps: {
  repos: CacheRepos;
  outbox: Outbox;
  user(): User | null;
  emit: Emit;
  /** After a local reassignment: announce the tickets and schedule a push. */
  onLocalChange(ids: string[]): void;
  now?: () => Date;
}): LeadService {
  const now = deps.now ?? (() => new Date());
  const query = createBoardQuery(deps.repos);
  const reassigner = createReassigner(deps.repos, deps.outbox);
  const notices = createReassignNotices(deps.repos);
  let ticketsVersion = 0;

  function requireLead(): User {
    const user = deps.user();
    if (!user || !isLead(user.role)) throw new DeskError('forbidden', 'The lead board is for leads and admins');
    return user;
  }

  return {
    handlers: {
      'lead.board': async () => {
        requireLead();
        const at = now();
        return query.board(at, localMidnight(at), ticketsVersion);
      },
      'lead.reassign': async (req) => {
        const lead = requireLead();
        const result = reassigner.reassign(req, lead.id);
        // The desk announces them (tickets.changed), which also moves the board's tickets version on.
        if (result.moved.length > 0) deps.onLocalChange(result.moved.map((m) => m.id));
        return result;
      },
    },
    onTicketsChanged(ids) {
      if (ids.length > 0) ticketsVersion++;
      const me = deps.user()?.id;
      if (!me) return;
      for (const notice of notices.collect(me, now())) deps.emit('lead.reassigned', notice);
    },
  };
}
