/**
 * The lead board from the desk's cache (issue 12 item 1): four small aggregate queries, plus the staff list and the
 * pulled presence. Queue counts and agents' loads each read one partial covering index over the open tickets only
 * (cache migration 012), never the tickets' rows; handled today is a range of today's closed; the risk list an
 * ordered range with a LIMIT. The ticket figures are kept until the tickets change or the clock reaches the next
 * deadline or at-risk instant of an open ticket (the first moment a count could change), so a presence or call
 * change reads no ticket at all.
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

/** The statements over tickets (exported for the plan tests: each must read an index, never the table's rows). */
export const BOARD_SQL = {
  // The same definitions as the `overdue` and `at_risk` views, counted per team in one walk of tickets_board_queue.
  queues: `SELECT team_id, COUNT(*) AS open, SUM(assignee_id IS NULL) AS unassigned,
            SUM(${VIEW_FILTERS.at_risk}) AS at_risk, SUM(${VIEW_FILTERS.overdue}) AS breached
       FROM tickets WHERE is_open = 1 GROUP BY team_id ORDER BY team_id`,
  loads: `SELECT assignee_id, COUNT(*) AS n FROM tickets
      WHERE assignee_id IS NOT NULL AND is_open = 1 GROUP BY assignee_id`,
  handled: `SELECT assignee_id, COUNT(*) AS n FROM tickets
      WHERE is_open = 0 AND closed_ms >= @since AND assignee_id IS NOT NULL GROUP BY assignee_id`,
  // Open tickets in deadline order (tickets_by_open_sla): the breached first, then the least time left.
  risk: `SELECT id, code, title, team_id, priority, type, status, sla_milestone, sla_due_at, sla_due_ms, sla_risk_ms, assignee_id
       FROM tickets
      WHERE is_open = 1 AND sla_due_ms < ${SLA_NO_DEADLINE} AND (sla_due_ms < @now OR sla_risk_ms <= @now)
      ORDER BY sla_due_ms, id LIMIT @limit`,
  // The next instants at which a ticket figure changes by the clock alone: an open ticket's deadline passes
  // (breached from then, at risk no more) or its at-risk instant comes (at risk, and on the risk list).
  nextDue: 'SELECT MIN(sla_due_ms) AS at FROM tickets WHERE is_open = 1 AND sla_due_ms >= @now',
  nextRisk: 'SELECT MIN(sla_risk_ms) AS at FROM tickets WHERE is_open = 1 AND sla_risk_ms > @now',
} as const;

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
   * changes whenever cached tickets did: the same version, the same midnight and a clock before the next deadline
   * or at-risk instant reuse the ticket figures (they are still exact).
   */
  board(now: Date, midnightMs: number, ticketsVersion: number): LeadBoard;
}

interface TicketFigures {
  queues: QueueCounts[];
  risk: RiskRow[];
  load: Map<string, number>;
  done: Map<string, number>;
}

export function createBoardQuery(repos: Pick<CacheRepos, 'db' | 'staff' | 'presence' | 'calls'>): BoardQuery {
  const { db } = repos;
  const queues = db.prepare<{ now: number }, QueueRow>(BOARD_SQL.queues);
  const loads = db.prepare<[], { assignee_id: string; n: number }>(BOARD_SQL.loads);
  const handled = db.prepare<{ since: number }, { assignee_id: string; n: number }>(BOARD_SQL.handled);
  const risk = db.prepare<{ now: number; limit: number }, RiskRow>(BOARD_SQL.risk);
  const nextDue = db.prepare<{ now: number }, { at: number | null }>(BOARD_SQL.nextDue);
  const nextRisk = db.prepare<{ now: number }, { at: number | null }>(BOARD_SQL.nextRisk);

  function queueCounts(nowMs: number): QueueCounts[] {
    return queues.all({ now: nowMs }).map((r) => ({
      teamId: r.team_id,
      open: r.open,
      unassigned: r.unassigned,
      atRisk: r.at_risk,
      breached: r.breached,
    }));
  }

  /** The risk list at `nowMs` from rows read at or before it (minutes left move on with the clock). */
  function riskList(rows: readonly RiskRow[], nowMs: number): RiskItem[] {
    return rows.flatMap((r) => {
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

  /** What the tickets say, apart from who is online. */
  function ticketFigures(nowMs: number, midnightMs: number): TicketFigures {
    return {
      queues: queueCounts(nowMs),
      risk: risk.all({ now: nowMs, limit: RISK_LIST_LIMIT }),
      load: new Map(loads.all().map((r) => [r.assignee_id, r.n])),
      done: new Map(handled.all({ since: midnightMs }).map((r) => [r.assignee_id, r.n])),
    };
  }

  /** The first instant after `nowMs` at which a figure read at `nowMs` may differ, by the clock alone. */
  function validUntil(nowMs: number): number {
    const due = nextDue.get({ now: nowMs })?.at ?? Infinity;
    const risky = nextRisk.get({ now: nowMs })?.at ?? Infinity;
    return Math.min(due, risky);
  }

  // Tickets are re-read only after they changed, on a new day, or once the clock reaches the next deadline or
  // at-risk instant: an agent's presence or a call changes far more often, and needs only the staff list and the
  // presence table.
  let memo: { version: number; midnightMs: number; atMs: number; untilMs: number; figures: TicketFigures } | null =
    null;

  return {
    board(now, midnightMs, ticketsVersion) {
      const nowMs = now.getTime();
      const read = db.transaction(() => {
        const fresh =
          memo !== null &&
          memo.version === ticketsVersion &&
          memo.midnightMs === midnightMs &&
          nowMs >= memo.atMs &&
          nowMs < memo.untilMs;
        if (!fresh) {
          memo = {
            version: ticketsVersion,
            midnightMs,
            atMs: nowMs,
            untilMs: validUntil(nowMs),
            figures: ticketFigures(nowMs, midnightMs),
          };
        }
        const { queues, load, done } = memo!.figures;
        const risk = riskList(memo!.figures.risk, nowMs);
        const presence = new Map(repos.presence.all().map((p) => [p.userId, p]));
        const agents = repos.staff
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
