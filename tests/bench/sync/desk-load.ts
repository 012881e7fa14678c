/**
 * What a desk at work pushes (DESIGN.md §9 rule 4): small batches of 1–3 mutations on tickets that already exist,
 * in the mix of a shift at the phones — notes and work-log comments, status steps, assignments, logged calls and a
 * few new tickets. Each mutation is first applied to the desk's own copy of its ticket with the same domain function
 * the desk host and the server run (common/mutations applyMutation), as the desk's optimistic write does: a step the
 * workflow or the access rules refuse is never sent, so every mutation the bench pushes is one the server applies.
 */
import { randomUUID } from 'node:crypto';
import type { Ticket, User } from '../../../common/domain';
import { applyMutation, parseMutation, type MutationName } from '../../../common/mutations';
import { inReach } from '../../../common/ticket-access';
import { nextStatuses } from '../../../common/workflows';
import type { PushRequest } from '../../../common/sync';
import type { Db } from '../../../server/db/driver';
import { TICKET_COLUMNS, ticketFromRow, type Row } from '../../../server/db/rows';
import { prng } from './fixtures';

export type Pushed = PushRequest['mutations'][number];

/** The share of each kind of mutation in a shift's pushes (a note is the commonest thing a desk writes). */
const MIX: ReadonlyArray<readonly [kind: Kind, weight: number]> = [
  ['comment', 40],
  ['status', 20],
  ['assign', 15],
  ['call', 15],
  ['create', 5],
  ['worklog', 5],
];
type Kind = 'comment' | 'status' | 'assign' | 'call' | 'create' | 'worklog';
const MIX_TOTAL = MIX.reduce((n, [, w]) => n + w, 0);

const NOTES = [
  '已电话联系住户，确认漏水位置在水槽下方。',
  '住户不在家，已留言，明早再联系。',
  '师傅已到场，正在排查。',
  '已告知住户处理进度，住户表示满意。',
  '需要更换配件，已向仓库申领。',
];
const WORKLOG = ['工时 0.5 小时：上门检查。', '工时 1 小时：更换阀门。', '工时 0.25 小时：回访电话。'];

/** One desk's working set and outbox counter: its tickets as the desk last saw them. */
export class DeskLoad {
  private readonly random: () => number;
  private nextId = 1;
  private readonly tickets: Ticket[];
  /** The rest of a batch queue() cut short. */
  private carried: Pushed[] = [];
  /** Mutations handed out, by name (the mix actually sent). */
  readonly sent = new Map<string, number>();

  constructor(
    readonly clientId: string,
    readonly agent: User,
    tickets: readonly Ticket[],
    seed: number,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.tickets = [...tickets];
    this.random = prng(seed);
  }

  /** Mutation ids handed out so far (the outbox's last id). */
  get lastId(): number {
    return this.nextId - 1;
  }

  /** The next push: 1–3 mutations, on one ticket (what an agent does to the ticket on screen between two pushes). */
  nextBatch(): Pushed[] {
    const size = 1 + Math.floor(this.random() * 3);
    const ticket = this.pick();
    const batch: Pushed[] = [];
    for (let i = 0; i < size; i++) batch.push(this.next(ticket));
    return batch;
  }

  /**
   * `count` mutations queued one after another (a desk coming back from a long offline spell). What a batch has
   * beyond `count` waits for the next call: dropped, it would leave a hole in the ids (409) and a ticket the desk
   * already changed in its own copy.
   */
  queue(count: number): Pushed[] {
    const out: Pushed[] = [];
    while (out.length < count) {
      if (this.carried.length === 0) this.carried = this.nextBatch();
      out.push(...this.carried.splice(0, count - out.length));
    }
    return out;
  }

  private pick(): Ticket {
    return this.tickets[Math.floor(this.random() * this.tickets.length)] as Ticket;
  }

  private kind(): Kind {
    let r = this.random() * MIX_TOTAL;
    for (const [kind, weight] of MIX) {
      if ((r -= weight) < 0) return kind;
    }
    return 'comment';
  }

  /** One mutation the desk's rules accept on `ticket` (updated in place in the working set); a note otherwise. */
  private next(ticket: Ticket): Pushed {
    const kind = this.kind();
    const candidates = this.candidates(kind, ticket);
    for (const [name, args] of candidates) {
      const applied = this.tryApply(name, args, ticket);
      if (applied) return applied;
    }
    const note = this.tryApply('ticket.comment', this.comment(ticket, NOTES), ticket);
    if (!note) throw new Error(`bench desk: a note on ${ticket.id} was refused`);
    return note;
  }

  private candidates(kind: Kind, t: Ticket): Array<[MutationName, Record<string, unknown>]> {
    const eventId = randomUUID();
    switch (kind) {
      case 'comment':
        return [['ticket.comment', this.comment(t, NOTES)]];
      case 'worklog':
        return [['ticket.comment', this.comment(t, WORKLOG)]];
      case 'status':
        return nextStatuses(t.type, t.status)
          .filter((s) => s !== 'cancelled')
          .map((status) => ['ticket.setStatus', { id: t.id, eventId, status, note: '已处理，状态更新。' }]);
      case 'assign':
        return t.assigneeId === this.agent.id
          ? [['ticket.assign', { id: t.id, eventId, assigneeId: null, teamId: t.teamId }]]
          : [['ticket.assign', { id: t.id, eventId, assigneeId: this.agent.id, teamId: t.teamId }]];
      case 'call':
        return [['call.log', this.callLog(t)]];
      case 'create':
        return [['ticket.create', this.create(t)]];
    }
  }

  private comment(t: Ticket, bodies: readonly string[]): Record<string, unknown> {
    return { id: t.id, eventId: randomUUID(), body: bodies[Math.floor(this.random() * bodies.length)] };
  }

  private callLog(t: Ticket): Record<string, unknown> {
    const ended = this.clock();
    const started = new Date(ended.getTime() - 90_000 - Math.floor(this.random() * 240_000));
    return {
      id: randomUUID(),
      direction: 'inbound',
      from: t.phone ?? '13800138000',
      to: '4008001234',
      startedAt: started.toISOString(),
      answeredAt: new Date(started.getTime() + 8_000).toISOString(),
      endedAt: ended.toISOString(),
      missed: false,
      notes: '住户来电询问处理进度。',
      residentId: t.residentId,
      ticketId: t.id,
    };
  }

  /** A new ticket for the same unit and resident (a second problem reported in the same call). */
  private create(t: Ticket): Record<string, unknown> {
    return {
      id: randomUUID(),
      eventId: randomUUID(),
      type: t.type,
      category: t.category,
      channel: 'phone',
      priority: 3,
      title: `${t.title}（再次报修）`,
      description: '住户来电反映同一问题再次出现，希望尽快安排师傅上门。',
      unitId: t.unitId,
      residentId: t.residentId,
      phone: null,
      teamId: t.teamId,
    };
  }

  /** Runs the mutation on the desk's copy as the desk's optimistic write would; null when the rules refuse it. */
  private tryApply(name: MutationName, args: Record<string, unknown>, ticket: Ticket): Pushed | null {
    const creates = name === 'ticket.create';
    let effect;
    try {
      effect = applyMutation(parseMutation(name, args), {
        actorId: this.agent.id,
        actorRole: this.agent.role,
        actorTeamId: this.agent.teamId,
        now: this.clock(),
        current: creates || name === 'call.log' ? undefined : ticket,
        code: null,
      });
    } catch {
      return null;
    }
    if (creates) {
      // Later pushes work the new ticket too, as the agent who filed it would.
      if (effect.ticket) this.tickets.push(effect.ticket);
    } else if (effect.ticket) {
      Object.assign(ticket, effect.ticket);
    }
    this.sent.set(name, (this.sent.get(name) ?? 0) + 1);
    return { id: this.nextId++, name, args };
  }
}

/**
 * The tickets the desks work on: `perDesk` for each of `desks`, disjoint, spread over the whole table (`salt` picks
 * another spread). Open tickets `agent` may act on come first (common/ticket-access inReach: unassigned, its team's,
 * or at a step the desk is responsible for), then open tickets others hold, then closed ones residents call about
 * again; on the last two a desk writes notes and logs calls (the rules refuse its status and assignment steps there,
 * so those are never sent). Dealt out in turn, so every desk gets its share of each kind.
 */
export async function workingSets(
  db: Db,
  agent: User,
  desks: number,
  perDesk: number,
  salt: string,
): Promise<{ sets: Ticket[][]; inReach: number; open: number }> {
  const wanted = desks * perDesk;
  const pick = async (open: boolean, limit: number) =>
    (
      await db.query<Row>(
        `SELECT ${TICKET_COLUMNS} FROM tickets
          WHERE deleted_at IS NULL AND (status IN ('closed', 'cancelled')) = $3
          ORDER BY md5(id::text || $2) LIMIT $1`,
        [limit, salt, !open],
      )
    ).rows.map(ticketFromRow);
  const actor = { id: agent.id, role: agent.role, teamId: agent.teamId };
  const open = await pick(true, wanted * 10);
  const reachable = open.filter((t) => inReach(t, actor));
  const others = open.filter((t) => !inReach(t, actor));
  let tickets = [...reachable, ...others].slice(0, wanted);
  if (tickets.length < wanted) tickets = [...tickets, ...(await pick(false, wanted - tickets.length))];
  if (tickets.length < wanted) throw new Error(`only ${tickets.length} tickets for ${desks} desks × ${perDesk}`);
  const sets = Array.from({ length: desks }, (_, d) => tickets.filter((_, i) => i % desks === d));
  return { sets, inReach: Math.min(reachable.length, wanted), open: Math.min(open.length, wanted) };
}
