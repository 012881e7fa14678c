/**
 * The outbox: every user action is written as its optimistic effect plus one outbox row, in ONE SQLite
 * transaction, so a crash can never leave a change the server will not hear about (or the reverse).
 */
import {
  applyMutation,
  isTicketMutation,
  parseMutation,
  type Mutation,
  type MutationEffect,
  type MutationName,
  type TicketEffect,
  type TicketMutation,
} from '../../common/mutations';
import type { PhoneHasher } from '../../common/residents/phone-hash';
import type { TicketSlaContext } from '../../common/sla/ticket-sla';
import type { PushResponse } from '../../common/sync';
import type { Actor } from '../../common/ticket-access';
import type { CacheDb, TicketRepo } from '../cache';
import { createCallRepo } from '../cache/calls';
import { createStaffRepo } from '../cache/staff';
import { createPresenceRepo } from '../cache/presence';
import { createCallWriter } from './call-writer';
import { crashPoint } from './crash-points';
import type { TicketShadow } from './shadow';

export interface OutboxEntry {
  mutationId: number;
  name: MutationName;
  args: unknown;
  createdAt: string;
}

export interface RejectedMutation {
  mutationId: number;
  name: string;
  code: string;
  message: string;
  at: string;
  /** The ticket the change was about (its args' id), null when unknown. */
  ticketId: string | null;
}

export interface OutboxHooks {
  /** The SLA policy and weather switch for optimistic SLA fields (the server's, as last fetched). */
  sla?: () => TicketSlaContext | undefined;
  /**
   * The signed-in user's role and team, checked by the shared ticket rules (common/ticket-access) as the server
   * will: without them (or for another actor id) every ticket mutation is refused locally.
   */
  actor?: () => Actor | null;
  /** Test seam: runs inside the enqueue transaction after the ticket write (throw to simulate a crash). */
  afterTicketWrite?: () => void;
  /** The session's phone hash: optimistic calls' whole numbers are hashed before they are masked (none: no hash). */
  phoneHash?: PhoneHasher;
}

export interface Outbox {
  /**
   * Applies the mutation optimistically and queues it; throws MutationRejected when it cannot apply and a ZodError
   * when its arguments break the shared schemas (e.g. text with NUL).
   */
  enqueue<M extends Mutation>(
    mutation: M,
    actorId: string,
    now?: Date,
  ): { mutationId: number; effect: M extends TicketMutation ? TicketEffect : MutationEffect };
  /** Re-applies a queued mutation on top of the current cache (rebase); false when it no longer applies. */
  reapply(entry: OutboxEntry, actorId: string): boolean;
  /** The oldest mutations the server has not acknowledged yet, in id order: what a push sends. */
  pending(limit?: number): OutboxEntry[];
  /** How many mutations the server has not acknowledged yet (the "syncing n" the agent sees). */
  count(): number;
  /**
   * Every row still in the outbox, acknowledged or not, in id order: what a rebase lays over the server state.
   * An acknowledged row stays until a pull carries its effect (dropThrough), so the change never leaves the screen.
   */
  queued(): OutboxEntry[];
  /** Rows in the outbox, acknowledged or not. */
  size(): number;
  /**
   * Records a push's results in one transaction: processed rows are marked acknowledged (a pull drops them),
   * rejected ones leave the outbox for the rejected list with their reason (their optimistic effect is rolled back
   * by the next rebase).
   */
  settle(res: PushResponse, at?: Date): void;
  /** Drops rows a pull says the server has processed and the pulled state includes (acknowledged or rejected). */
  dropThrough(lastMutationId: number): void;
  rejected(limit?: number): RejectedMutation[];
  /** Forgets rejections the agent has reviewed; returns how many were removed. */
  dismissRejected(mutationIds: readonly number[]): number;
}

export function createOutbox(db: CacheDb, tickets: TicketRepo, shadow: TicketShadow, hooks: OutboxHooks = {}): Outbox {
  const insert = db.prepare<[string, string, string]>('INSERT INTO outbox (name, args, created_at) VALUES (?, ?, ?)');
  type Row = { mutation_id: number; name: MutationName; args: string; created_at: string };
  const selectPending = db.prepare<[number], Row>(
    'SELECT mutation_id, name, args, created_at FROM outbox WHERE acked = 0 ORDER BY mutation_id LIMIT ?',
  );
  const selectQueued = db.prepare<[], Row>(
    'SELECT mutation_id, name, args, created_at FROM outbox ORDER BY mutation_id',
  );
  const countPending = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE acked = 0');
  const countRows = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outbox');
  const deleteThrough = db.prepare<[number]>('DELETE FROM outbox WHERE mutation_id <= ?');
  const deleteOne = db.prepare<[number]>('DELETE FROM outbox WHERE mutation_id = ?');
  const ackOne = db.prepare<[number]>('UPDATE outbox SET acked = 1 WHERE mutation_id = ?');
  const ackThrough = db.prepare<[number]>('UPDATE outbox SET acked = 1 WHERE mutation_id <= ? AND acked = 0');
  const entry = (r: Row): OutboxEntry => ({
    mutationId: r.mutation_id,
    name: r.name,
    args: JSON.parse(r.args) as unknown,
    createdAt: r.created_at,
  });
  const insertRejected = db.prepare(
    'INSERT OR REPLACE INTO rejected_mutations (id, name, code, message, at, ticket_id) VALUES (@mutationId, @name, @code, @message, @at, @ticketId)',
  );
  const selectRejected = db.prepare<[number], RejectedMutation>(
    'SELECT id AS mutationId, name, code, message, at, ticket_id AS ticketId FROM rejected_mutations ORDER BY id DESC LIMIT ?',
  );
  const deleteRejected = db.prepare<[number]>('DELETE FROM rejected_mutations WHERE id = ?');
  const dismissTx = db.transaction((ids: readonly number[]) =>
    ids.reduce((n, id) => n + deleteRejected.run(id).changes, 0),
  );

  const calls = createCallRepo(db, hooks.phoneHash ?? (() => null));
  const callWriter = createCallWriter({
    calls,
    presence: createPresenceRepo(db),
    staff: createStaffRepo(db),
  });
  // An optimistic delete hides the row only: its events stay, so a rollback (shadow restore) is complete.
  const hideTicket = db.prepare<[string]>('DELETE FROM tickets WHERE id = ?');

  /** Writes one mutation's optimistic effect, remembering the server state it replaces. */
  function writeEffect(m: Mutation, actorId: string, now: Date): MutationEffect {
    if (m.name === 'call.log') {
      const effect = applyMutation(m, { actorId, now, current: undefined, code: null });
      // As kept: masked (issue 11 §4).
      return { ...effect, calls: effect.calls.map((c) => calls.put(c, true)) };
    }
    if (!isTicketMutation(m)) return callWriter.write(m, actorId, now);
    const current = tickets.get(m.args.id);
    const signedIn = hooks.actor?.();
    const actor = signedIn?.id === actorId ? signedIn : undefined;
    const effect = applyMutation(m, {
      actorId,
      now,
      current,
      code: null,
      sla: hooks.sla?.(),
      actorRole: actor?.role,
      actorTeamId: actor?.teamId,
    });
    shadow.remember(m.args.id, current);
    if (effect.deleted) hideTicket.run(effect.deleted.id);
    else tickets.put(effect.ticket);
    hooks.afterTicketWrite?.();
    for (const e of effect.events) tickets.putEvent(e, true);
    return effect;
  }

  const enqueueTx = db.transaction((m: Mutation, actorId: string, now: Date) => {
    const effect = writeEffect(m, actorId, now);
    crashPoint('enqueue.tx'); // kill -9 tests: the ticket is written, the outbox row not yet, nothing committed
    const { lastInsertRowid } = insert.run(m.name, JSON.stringify(m.args), now.toISOString());
    return { mutationId: Number(lastInsertRowid), effect };
  });

  const reapplyTx = db.transaction(writeEffect);
  const selectName = db.prepare<[number], { name: string; args: string }>(
    'SELECT name, args FROM outbox WHERE mutation_id = ?',
  );

  const settleTx = db.transaction((res: PushResponse, at: Date) => {
    for (const r of res.results) {
      if (r.outcome === 'rejected') {
        const row = selectName.get(r.id);
        insertRejected.run({
          mutationId: r.id,
          name: row?.name ?? 'unknown',
          ticketId: row ? ticketIdOf(row.args) : null,
          code: r.error?.code ?? 'rejected',
          message: r.error?.message ?? '',
          at: at.toISOString(),
        });
        deleteOne.run(r.id);
      } else ackOne.run(r.id);
    }
    // Processed in an earlier push whose answer was lost: acknowledged all the same.
    ackThrough.run(res.lastMutationId);
  });

  return {
    enqueue<M extends Mutation>(m: M, actorId: string, now = new Date()) {
      // The outbox's door: however the mutation was built, it is parsed with the shared schemas (common/input),
      // so text the server could not store never gets queued (a ZodError reaches the caller, nothing is written).
      const queued = enqueueTx(parseMutation(m.name, m.args), actorId, now);
      crashPoint('enqueue.committed');
      return queued as { mutationId: number; effect: M extends TicketMutation ? TicketEffect : MutationEffect };
    },
    reapply(entry, actorId) {
      try {
        // Its own creation time: a rebase must not move an optimistic change's timestamps. A savepoint, so a
        // failure leaves nothing half-written inside the caller's transaction.
        reapplyTx(parseMutation(entry.name, entry.args), actorId, new Date(entry.createdAt));
        return true;
      } catch {
        return false; // no longer applies locally; it stays queued and the server judges it
      }
    },
    pending: (limit = 1_000_000) => selectPending.all(limit).map(entry),
    count: () => countPending.get()?.n ?? 0,
    queued: () => selectQueued.all().map(entry),
    size: () => countRows.get()?.n ?? 0,
    settle: (res, at = new Date()) => settleTx(res, at),
    dropThrough: (id) => void deleteThrough.run(id),
    rejected: (limit = 50) => selectRejected.all(limit),
    dismissRejected: (ids) => dismissTx(ids),
  };
}

/** The ticket a mutation's args name (`id` for ticket mutations, `ticketId` for others that point at one). */
function ticketIdOf(args: string): string | null {
  try {
    const parsed = JSON.parse(args) as { id?: unknown; ticketId?: unknown };
    const id = parsed.ticketId ?? parsed.id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
