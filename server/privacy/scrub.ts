/**
 * Replacing a person's identity in tickets and calls while their history stays: statuses, times, events and the
 * rest of the free text are kept; names, numbers and the link to the resident are replaced as a plan says. Shared
 * by an erasure (one resident) and the retention job (old rows). Each changed ticket, work-log entry and call gets
 * a change-log row, so every console's cache receives the anonymised version through its normal pull.
 */
import type { Queryable } from '../db/driver';
import { recordChanges } from '../sync/changes';
import { digitsOf, redactJson, redactor, type Identity } from './identity';

/** What becomes of one ticket's personal fields. */
export interface TicketScrub {
  residentId: string | null;
  residentName: string | null;
  /** Whose name and numbers leave the title, the description and the work log. */
  who: Identity;
}

/** What becomes of one call's personal fields. */
export interface CallScrub {
  /** Clear the other party's number (the caller's on an inbound call, the one dialled on an outbound one). */
  clearOtherParty: boolean;
  /** Keep the link to the matched resident, or drop it. */
  keepResident: boolean;
  /** Whose name and numbers leave the notes (and whose numbers leave every number field). */
  who: Identity;
}

export interface ScrubbedTickets {
  /** Tickets whose fields changed (tombstones included). */
  changed: string[];
  events: string[];
}

interface TicketRow {
  id: string;
  resident_id: string | null;
  resident_name: string | null;
  phone: string | null;
  title: string;
  description: string;
  deleted: boolean;
}

export const TICKET_PERSONAL_COLUMNS = `id::text AS id, resident_id, resident_name, phone, title, description,
  deleted_at IS NOT NULL AS deleted`;

/**
 * Applies `plan` to tickets selected with TICKET_PERSONAL_COLUMNS (and locked by the caller) and to their work
 * logs; `nameReplacement` stands where the name stood in free text. A ticket whose fields are already what the
 * plan says is left alone (an erasure repeated changes nothing).
 */
export async function scrubTickets(
  q: Queryable,
  rows: readonly Record<string, unknown>[],
  plan: (ticket: { residentId: string | null; residentName: string | null; phone: string | null }) => TicketScrub,
  nameReplacement: string,
): Promise<ScrubbedTickets> {
  const tickets = rows.map((r): TicketRow => ({
    id: String(r.id),
    resident_id: r.resident_id == null ? null : String(r.resident_id),
    resident_name: r.resident_name == null ? null : String(r.resident_name),
    phone: r.phone == null ? null : String(r.phone),
    title: String(r.title),
    description: String(r.description ?? ''),
    deleted: r.deleted === true,
  }));
  const redactors = new Map<string, (text: string) => string>();
  const updates: TicketRow[] = [];
  for (const t of tickets) {
    const scrub = plan({ residentId: t.resident_id, residentName: t.resident_name, phone: t.phone });
    const redact = redactor(scrub.who, nameReplacement);
    redactors.set(t.id, redact);
    const next: TicketRow = {
      ...t,
      resident_id: scrub.residentId,
      resident_name: scrub.residentName,
      phone: null,
      title: redact(t.title),
      description: redact(t.description),
    };
    const same = (['resident_id', 'resident_name', 'phone', 'title', 'description'] as const).every(
      (k) => next[k] === t[k],
    );
    if (!same) updates.push(next);
  }
  if (updates.length > 0) {
    await q.query(
      `UPDATE tickets t SET resident_id = v.resident_id, resident_name = v.resident_name, phone = NULL,
              title = v.title, description = v.description, version = t.version + 1
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])
           AS v(id, resident_id, resident_name, title, description)
        WHERE t.id = v.id`,
      [
        updates.map((u) => u.id),
        updates.map((u) => u.resident_id),
        updates.map((u) => u.resident_name),
        updates.map((u) => u.title),
        updates.map((u) => u.description),
      ],
    );
  }
  const events = await scrubEvents(q, redactors);
  const live = new Set(tickets.filter((t) => !t.deleted).map((t) => t.id));
  // A tombstone's row and events are scrubbed too, but consoles have dropped them: nothing to send.
  await recordChanges(
    q,
    'ticket',
    updates.filter((u) => live.has(u.id)).map((u) => u.id),
  );
  const liveEvents = events.filter((e) => live.has(e.ticketId)).map((e) => e.id);
  await recordChanges(q, 'ticket_event', liveEvents);
  return { changed: updates.map((u) => u.id), events: events.map((e) => e.id) };
}

/** The work-log entries (body and data) of the tickets in `redactors`; returns the ones that changed. */
async function scrubEvents(
  q: Queryable,
  redactors: Map<string, (text: string) => string>,
): Promise<{ id: string; ticketId: string }[]> {
  if (redactors.size === 0) return [];
  const { rows } = await q.query<{ id: string; ticket_id: string; body: string; data: string }>(
    `SELECT id::text AS id, ticket_id::text AS ticket_id, body, data::text AS data
       FROM ticket_events WHERE ticket_id = ANY($1::uuid[])`,
    [[...redactors.keys()]],
  );
  const changed: { id: string; ticketId: string; body: string; data: string }[] = [];
  for (const e of rows) {
    const redact = redactors.get(String(e.ticket_id));
    if (!redact) continue;
    const before = JSON.stringify(JSON.parse(String(e.data)));
    const body = redact(String(e.body));
    const data = JSON.stringify(redactJson(JSON.parse(before), redact));
    if (body !== e.body || data !== before) {
      changed.push({ id: String(e.id), ticketId: String(e.ticket_id), body, data });
    }
  }
  if (changed.length > 0) {
    await q.query(
      `UPDATE ticket_events e SET body = v.body, data = v.data::jsonb
         FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(id, body, data) WHERE e.id = v.id`,
      [changed.map((c) => c.id), changed.map((c) => c.body), changed.map((c) => c.data)],
    );
  }
  return changed;
}

export const CALL_PERSONAL_COLUMNS = `id::text AS id, direction, from_raw, from_e164, to_raw, resident_id, notes,
  detail::text AS detail`;

export interface CallFields {
  fromRaw: string | null;
  fromE164: string | null;
  toRaw: string | null;
  residentId: string | null;
  notes: string;
  /** The rest of the record as JSON text (caller name, confidence, callback note…). */
  detail: string;
}

const strOrNull = (v: unknown): string | null => (v == null ? null : String(v));

/** A call's personal fields after `scrub`; pure. */
function scrubbedCall(call: CallFields, inbound: boolean, scrub: CallScrub, nameReplacement: string): CallFields {
  const theirs = (value: string | null) => value !== null && scrub.who.numbers.includes(digitsOf(value));
  const clear = (value: string | null, otherParty: boolean) =>
    (scrub.clearOtherParty && otherParty) || theirs(value) ? null : value;
  const redact = redactor(scrub.who, nameReplacement);
  const detail = JSON.parse(call.detail) as Record<string, unknown>;
  // The name the phone system sent with the number is the caller's: it goes with the number.
  if (detail.callerName != null) detail.callerName = null;
  if (!scrub.keepResident && detail.residentConfidence != null) detail.residentConfidence = null;
  // The callback's note is the one free text in the rest of the record (legs and ids are the phone system's).
  const callback = detail.callback as { note?: unknown } | undefined;
  if (typeof callback?.note === 'string') detail.callback = { ...callback, note: redact(callback.note) };
  return {
    fromRaw: clear(call.fromRaw, inbound),
    fromE164: clear(call.fromE164, inbound),
    toRaw: clear(call.toRaw, !inbound),
    residentId: scrub.keepResident ? call.residentId : null,
    notes: redact(call.notes),
    detail: JSON.stringify(detail),
  };
}

/**
 * Applies `plan` to calls selected with CALL_PERSONAL_COLUMNS (and locked by the caller). Returns the ids of the
 * calls that changed; each gets a change-log row.
 */
export async function scrubCalls(
  q: Queryable,
  rows: readonly Record<string, unknown>[],
  plan: (call: CallFields, row: Record<string, unknown>) => CallScrub,
  nameReplacement: string,
): Promise<string[]> {
  const updates: (CallFields & { id: string })[] = [];
  for (const r of rows) {
    const current: CallFields = {
      fromRaw: strOrNull(r.from_raw),
      fromE164: strOrNull(r.from_e164),
      toRaw: strOrNull(r.to_raw),
      residentId: strOrNull(r.resident_id),
      notes: String(r.notes ?? ''),
      detail: JSON.stringify(JSON.parse(String(r.detail ?? '{}'))),
    };
    const next = scrubbedCall(current, r.direction === 'inbound', plan(current, r), nameReplacement);
    if ((Object.keys(next) as (keyof CallFields)[]).some((k) => next[k] !== current[k])) {
      updates.push({ ...next, id: String(r.id) });
    }
  }
  if (updates.length === 0) return [];
  await q.query(
    `UPDATE calls c SET from_raw = v.from_raw, from_e164 = v.from_e164, to_raw = v.to_raw,
            resident_id = v.resident_id, notes = v.notes, detail = v.detail::jsonb
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
         AS v(id, from_raw, from_e164, to_raw, resident_id, notes, detail)
      WHERE c.id = v.id`,
    [
      updates.map((u) => u.id),
      updates.map((u) => u.fromRaw),
      updates.map((u) => u.fromE164),
      updates.map((u) => u.toRaw),
      updates.map((u) => u.residentId),
      updates.map((u) => u.notes),
      updates.map((u) => u.detail),
    ],
  );
  const ids = updates.map((u) => u.id);
  await recordChanges(q, 'call', ids);
  return ids;
}
