/**
 * The lead board from the desk's cache (issue 12 item 1): four small aggregate queries over the ticket indexes the
 * views already use, plus the directory and the pulled presence. Nothing here walks the whole cache twice: queue
 * counts are one pass over the open tickets, the risk list is an ordered range with a LIMIT.
 */
import {
  AGENT_CAPACITY_MAX,
  agentCapacity,
  agentSkills,
  type Call,
  type Presence,
  type Role,
  type TicketStatus,
  type TicketType,
  type User,
} from '../../common/domain';
import {
  RISK_LIST_LIMIT,
  minutesLeft,
  orderAgents,
  riskAt,
  type AgentCard,
  type LeadBoard,
  type QueueCounts,
  type RiskItem,
} from '../../common/lead/board';
import type { CacheRepos } from '../cache';
import { SLA_NO_DEADLINE } from '../cache/migrations/005_ticket_sla';
import { VIEW_FILTERS } from '../cache/tickets';

/** Who shows on the board as an agent card (technicians work in the field, not at the desk). */
export const BOARD_ROLES: readonly Role[] = ['agent', 'lead'];

interface QueueRow {
  team_id: string | null;
  open: number;
  unassigned: number;
  at_risk: number;
  breached: number;
}

interface RiskRow {
  id: string;
  code: string | null;
  title: string;
  team_id: string | null;
  priority: number;
  type: TicketType;
  status: TicketStatus;
  sla_milestone: string | null;
  sla_due_at: string;
  sla_due_ms: number;
  sla_risk_ms: number | null;
  assignee_id: string | null;
}

export interface BoardQuery {
  /**
   * The board at `now`; "handled today" counts from `midnightMs` (the desk's local midnight). `ticketsVersion`
   * changes whenever cached tickets did: the same version within RISK_REUSE_MS reuses the ticket figures.
   */
  board(now: Date, midnightMs: number, ticketsVersion: number): LeadBoard;
}

/** Ticket figures unchanged for this long are reused: at-risk and breached move with the clock, minutes at a time. */
export const RISK_REUSE_MS = 15_000;

interface TicketFigures {
  queues: QueueCounts[];
  risk: RiskItem[];
  load: Map<string, number>;
  done: Map<string, number>;
}

export function createBoardQuery(repos: Pick<CacheRepos, 'db' | 'directory' | 'presence' | 'calls'>): BoardQuery {
  const { db } = repos;
  // The same definitions as the `overdue` and `at_risk` views, counted per team in one walk of the open tickets.
  const queues = db.prepare<{ now: number }, QueueRow>(
    `SELECT team_id, COUNT(*) AS open, SUM(assignee_id IS NULL) AS unassigned,
            SUM(${VIEW_FILTERS.at_risk}) AS at_risk, SUM(${VIEW_FILTERS.overdue}) AS breached
       FROM tickets WHERE is_open = 1 GROUP BY team_id ORDER BY team_id`,
  );
  const loads = db.prepare<[], { assignee_id: string; n: number }>(
    `SELECT assignee_id, COUNT(*) AS n FROM tickets
      WHERE assignee_id IS NOT NULL AND is_open = 1 GROUP BY assignee_id`,
  );
  const handled = db.prepare<{ since: number }, { assignee_id: string; n: number }>(
    `SELECT assignee_id, COUNT(*) AS n FROM tickets
      WHERE is_open = 0 AND closed_ms >= @since AND assignee_id IS NOT NULL GROUP BY assignee_id`,
  );
  // Open tickets in deadline order (tickets_by_open_sla): the breached first, then the least time left.
  const risk = db.prepare<{ now: number; limit: number }, RiskRow>(
    `SELECT id, code, title, team_id, priority, type, status, sla_milestone, sla_due_at, sla_due_ms, sla_risk_ms, assignee_id
       FROM tickets
      WHERE is_open = 1 AND sla_due_ms < ${SLA_NO_DEADLINE} AND (sla_due_ms < @now OR sla_risk_ms <= @now)
      ORDER BY sla_due_ms, id LIMIT @limit`,
  );

  function queueCounts(nowMs: number): QueueCounts[] {
    return queues.all({ now: nowMs }).map((r) => ({
      teamId: r.team_id,
      open: r.open,
      unassigned: r.unassigned,
      atRisk: r.at_risk,
      breached: r.breached,
    }));
  }

  function riskList(nowMs: number): RiskItem[] {
    return risk.all({ now: nowMs, limit: RISK_LIST_LIMIT }).flatMap((r) => {
      const level = riskAt(r.sla_due_ms, r.sla_risk_ms, nowMs);
      if (!level) return [];
      return [
        {
          ticketId: r.id,
          code: r.code,
          title: r.title,
          teamId: r.team_id,
          priority: r.priority,
          type: r.type,
          status: r.status,
          milestone: r.sla_milestone,
          dueAt: r.sla_due_at,
          minutesLeft: minutesLeft(r.sla_due_ms, nowMs),
          risk: level,
          assigneeId: r.assignee_id,
        },
      ];
    });
  }

  function card(user: User, presence: Presence | undefined, call: Call | undefined, load: number, done: number) {
    const card: AgentCard = {
      userId: user.id,
      name: user.name,
      role: user.role,
      teamId: user.teamId,
      skills: [...agentSkills(user)],
      capacity: Math.min(agentCapacity(user), AGENT_CAPACITY_MAX),
      presence: presence?.state ?? 'offline',
      presenceSince: presence?.since ?? null,
      wrapUpUntil: presence?.state === 'wrap_up' ? presence.wrapUpUntil : null,
      call: call
        ? {
            id: call.id,
            direction: call.direction,
            from: call.from,
            startedAt: call.startedAt,
            answeredAt: call.answeredAt,
          }
        : null,
      openLoad: load,
      handledToday: done,
    };
    return card;
  }

  /** What the tickets say (the heavy part: it walks the open tickets), apart from who is online. */
  function ticketFigures(nowMs: number, midnightMs: number): TicketFigures {
    return {
      queues: queueCounts(nowMs),
      risk: riskList(nowMs),
      load: new Map(loads.all().map((r) => [r.assignee_id, r.n])),
      done: new Map(handled.all({ since: midnightMs }).map((r) => [r.assignee_id, r.n])),
    };
  }

  // Tickets are re-read only after they changed (or when the risk clock has moved on): an agent's presence or a
  // call changes far more often, and needs only the directory and the presence table.
  let memo: { version: number; atMs: number; figures: TicketFigures } | null = null;

  return {
    board(now, midnightMs, ticketsVersion) {
      const nowMs = now.getTime();
      const read = db.transaction(() => {
        const fresh =
          memo !== null &&
          memo.version === ticketsVersion &&
          nowMs - memo.atMs >= 0 &&
          nowMs - memo.atMs < RISK_REUSE_MS;
        if (!fresh) memo = { version: ticketsVersion, atMs: nowMs, figures: ticketFigures(nowMs, midnightMs) };
        const { queues, risk, load, done } = memo!.figures;
        const presence = new Map(repos.presence.all().map((p) => [p.userId, p]));
        const agents = repos.directory
          .users()
          .filter((u) => BOARD_ROLES.includes(u.role))
          .map((u) => {
            const p = presence.get(u.id);
            const call = p?.callId ? repos.calls.get(p.callId) : undefined;
            return card(u, p, call, load.get(u.id) ?? 0, done.get(u.id) ?? 0);
          });
        return { queues, agents: orderAgents(agents), risk };
      });
      return { at: now.toISOString(), ...read() };
    },
  };
}
