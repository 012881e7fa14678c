/**
 * A push batch's ticket writes, held until the batch ends (issue 3: push ≥ 2,000 mutations/s on PGlite).
 *
 * A desk pushes up to 200 mutations at once, usually several per ticket (create, comment, assign, status…). Run one
 * by one, each read its ticket and wrote it back: four or more round trips a mutation. Here the batch's tickets are
 * read (and locked) in one query up front, each mutation sees the state the earlier ones left (read-your-writes),
 * reference checks are remembered, and the final state of each ticket and all new events are written with one
 * statement each. Everything stays inside the push's transaction, so a failure still writes nothing.
 */
import type { Ticket, TicketEvent } from '../../common/domain';
import type { Queryable } from '../db/driver';
import { TICKET_COLUMNS, ticketFromRow, ticketToParams, type Row } from '../db/rows';
import { allocateTicketCodes } from '../tickets/codes';
import { insertEvents, type TicketForWrite } from '../tickets/store';
import { CallLogBatch } from './call-batch';
import { ReferenceCache } from './references';

const COLUMN_NAMES = TICKET_COLUMNS.split(',').map((c) => c.trim());
// json_populate_recordset turns each JSON object into a `tickets` row by column name, with the columns' own types.
const FROM_JSON = `SELECT ${TICKET_COLUMNS} FROM json_populate_recordset(NULL::tickets, $1::json)`;
/**
 * Changed tickets exist and are locked (prefetch): a plain UPDATE, not an upsert — an upsert first tries the
 * insert, running the BEFORE INSERT triggers (the wire JSON) and the unique check for every row, then the update.
 */
const UPDATED = COLUMN_NAMES.filter((c) => c !== 'id' && c !== 'created_at' && c !== 'created_by');
const UPDATE_FROM_JSON = `UPDATE tickets t SET ${UPDATED.map((c) => `${c} = j.${c}`).join(', ')}
  FROM json_populate_recordset(NULL::tickets, $1::json) j WHERE t.id = j.id`;

/** One ticket as a JSON object keyed by column (sla_pauses as JSON, not as the string a parameter needs). */
function ticketRecord(t: Ticket): Record<string, unknown> {
  const values = ticketToParams(t);
  const record: Record<string, unknown> = {};
  COLUMN_NAMES.forEach((name, i) => (record[name] = values[i]));
  record.sla_pauses = t.slaPauses;
  return record;
}

export class TicketWriteBatch {
  private readonly known = new Map<string, TicketForWrite>();
  private readonly dirty = new Map<string, { ticket: Ticket; isNew: boolean }>();
  private events: TicketEvent[] = [];
  private readonly uncoded = new Set<string>();
  /** Reference lookups (unit, team, user…), answered once per batch. */
  readonly references = new ReferenceCache();
  /** Logged calls, read together up front and inserted at the flush (./call-batch). */
  readonly calls = new CallLogBatch(this.references);

  /** Reads and locks the batch's tickets (live or tombstoned) in one query; ids not found are new. */
  async prefetch(q: Queryable, ids: readonly string[]): Promise<void> {
    const wanted = [...new Set(ids)].filter((id) => !this.known.has(id));
    if (wanted.length === 0) return;
    const { rows } = await q.query<Row>(
      `SELECT ${TICKET_COLUMNS}, deleted_at, delete_reason FROM tickets WHERE id = ANY($1::uuid[]) ORDER BY id
       FOR UPDATE`,
      [wanted],
    );
    for (const id of wanted) this.known.set(id, { current: undefined, tombstone: undefined });
    for (const row of rows) {
      const id = String(row.id);
      this.known.set(
        id,
        row.deleted_at != null
          ? { current: undefined, tombstone: { reason: String(row.delete_reason ?? '') } }
          : { current: ticketFromRow(row), tombstone: undefined },
      );
    }
  }

  /** The ticket as the batch left it so far, or undefined if the batch has not read it. */
  get(id: string): TicketForWrite | undefined {
    return this.known.get(id);
  }

  /** Whether the batch created this ticket and has not written it yet (a row referencing it must wait). */
  unwritten(id: string): boolean {
    return this.dirty.get(id)?.isNew === true;
  }

  /**
   * A mutation's result: written at flush; later mutations of the batch see it. A ticket created in the batch
   * gets its code at the flush (`needsCode`), so a batch's creations cost one counter update per type.
   */
  save(ticket: Ticket, events: readonly TicketEvent[], needsCode = false): void {
    if (needsCode) this.uncoded.add(ticket.id);
    const before = this.dirty.get(ticket.id);
    const wasNew = before ? before.isNew : this.known.get(ticket.id)?.current === undefined;
    this.dirty.set(ticket.id, { ticket, isNew: wasNew });
    this.known.set(ticket.id, { current: ticket, tombstone: undefined });
    this.events.push(...events);
  }

  /** A ticket deleted by the batch (the caller wrote its tombstone after a flush). */
  deleted(id: string, reason: string): void {
    this.dirty.delete(id);
    this.known.set(id, { current: undefined, tombstone: { reason } });
  }

  /**
   * Writes what is pending: new tickets with a plain INSERT (a concurrent create of the same id aborts the
   * transaction rather than overwrite it), changed ones with an UPDATE, then the events and the logged calls.
   * Returns the ids of the events actually inserted (a replayed event id inserts nothing).
   */
  async flush(q: Queryable, now: Date): Promise<string[]> {
    await this.assignCodes(q, now);
    const pending = [...this.dirty.values()];
    this.dirty.clear();
    const fresh = pending.filter((p) => p.isNew).map((p) => ticketRecord(p.ticket));
    const changed = pending.filter((p) => !p.isNew).map((p) => ticketRecord(p.ticket));
    if (fresh.length > 0) {
      await q.query(`INSERT INTO tickets (${TICKET_COLUMNS}) ${FROM_JSON}`, [JSON.stringify(fresh)]);
    }
    if (changed.length > 0) {
      await q.query(UPDATE_FROM_JSON, [JSON.stringify(changed)]);
    }
    const events = this.events;
    this.events = [];
    const inserted = await insertEvents(q, events);
    await this.calls.flush(q); // after the tickets: a call may name one the batch created
    return inserted;
  }

  /** Codes for the tickets created since the last flush, in creation order: one counter update for all types. */
  private async assignCodes(q: Queryable, now: Date): Promise<void> {
    const byType = new Map<Ticket['type'], string[]>();
    for (const id of this.uncoded) {
      const entry = this.dirty.get(id);
      if (!entry) continue; // deleted again within the batch: never written, needs no code
      byType.set(entry.ticket.type, [...(byType.get(entry.ticket.type) ?? []), id]);
    }
    this.uncoded.clear();
    const codesByType = await allocateTicketCodes(
      q,
      new Map([...byType].map(([type, ids]) => [type, ids.length])),
      now,
    );
    for (const [type, ids] of byType) {
      const codes = codesByType.get(type) ?? [];
      ids.forEach((id, i) => {
        const entry = this.dirty.get(id);
        if (!entry) return;
        const ticket = { ...entry.ticket, code: codes[i] ?? null };
        this.dirty.set(id, { ...entry, ticket });
        this.known.set(id, { current: ticket, tombstone: undefined });
      });
    }
  }
}
