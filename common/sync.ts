/** Wire format of the sync protocol (DESIGN.md §5): push of outbox mutations, pull of changes by cursor. */
import { z } from 'zod';
import { Uuid, decodeBase64Url, parseLogPosition, type LogPosition } from './input';
import { MutationName } from './mutations';
import { TICKET_FIELD_NAMES } from './ticket-fields';

/**
 * Bumped when the wire format changes; the server accepts every version from OLDEST_SYNC_SCHEMA_VERSION on.
 *
 * Schema 2 added `ticket.edit`, `ticket.tag`, `ticket.delete`, `call.log`, ticket `tags`, the `call` entity,
 * the `edit`/`tags`/`conflict` event kinds and `reset`. A schema-1 console never sends the new mutations; its
 * pulls omit the entities and event kinds it cannot parse (its Change/TicketEvent enums are closed).
 *
 * Schema 3 sends a ticket `put` as a row: its values in TICKET_ROW_FIELDS order, without the field names, which
 * were some 40 % of an initial sync's bytes (each byte is decoded and parsed on both ends). Older consoles still
 * get objects.
 *
 * Schema 4 (phone calls) added the `presence` entity and the call mutations (`call.event`, `call.claimCallback`,
 * `call.callbackResult`, `call.wrapUp`, `call.link`, `presence.set`); call records carry more fields, which older
 * consoles' Call schema strips. Pulls for schema < 4 omit `presence`.
 *
 * Schema 5 (issue 11 §4, residents' personal data): phone numbers travel masked (a ticket's `phone`, a call's
 * `from` and `to`, for every schema: no console gets a whole number from a pull) with their keyed hashes beside
 * them: a ticket row ends in `phoneHash`, a call carries `fromHash`/`toHash` (and no `fromE164`). Pulls for
 * schema < 5 leave `phoneHash` out of ticket rows (their rows are one shorter); older consoles' Call schema strips
 * the hashes. A desk cache from before schema 5 holds whole numbers: its migration 010 wipes them and pulls again.
 *
 * Schema 6 (issue 13, partial history): a first pull (cursor null) is answered with a snapshot of the current state
 * — users, teams, presence, every ticket, the events of the tickets agents work on (HOT_TICKET_DAYS) and recent or
 * open calls — and then continues from the change log at the position the snapshot started from. Snapshot ticket
 * pages say which of their tickets arrived without their events (`historyOmitted`); a console fetches those on
 * open (GET /api/v1/tickets/:id/events). Older consoles keep getting the whole change log.
 */
export const SYNC_SCHEMA_VERSION = 6;
export const OLDEST_SYNC_SCHEMA_VERSION = 1;
/** The first schema that sends tickets as rows (ticketFromWire). */
export const TICKET_ROWS_SCHEMA_VERSION = 3;
/** The first schema whose ticket rows end in `phoneHash`. */
export const PHONE_HASH_SCHEMA_VERSION = 5;
/** The first schema whose first pull is a snapshot with partial history (see SYNC_SCHEMA_VERSION). */
export const SNAPSHOT_SCHEMA_VERSION = 6;
/**
 * A snapshot carries the events of open tickets and of tickets changed within this many days (the ones agents work
 * on), and the calls started within it (plus open calls and open callbacks).
 */
export const HOT_TICKET_DAYS = 30;

/**
 * The order of a ticket row's values (schema 3): the order of the one field declaration (./ticket-fields). Part of
 * the protocol: the database function that writes rows (server migrations 0007, 0010) follows it, and changing it
 * means a new schema version.
 */
export const TICKET_ROW_FIELDS = TICKET_FIELD_NAMES;

/**
 * A ticket `put`'s data as an object to validate: a schema-3 row is spread over the field names; anything else
 * (an object from an older server) passes unchanged. A row of the wrong length is left as it is, and fails.
 */
export function ticketFromWire(data: unknown): unknown {
  if (!Array.isArray(data) || data.length !== TICKET_ROW_FIELDS.length) return data;
  const ticket: Record<string, unknown> = {};
  for (let i = 0; i < TICKET_ROW_FIELDS.length; i++) ticket[TICKET_ROW_FIELDS[i]!] = data[i];
  return ticket;
}

export const PushRequest = z.object({
  clientId: Uuid,
  schemaVersion: z.number().int().positive(),
  mutations: z
    .array(
      z.object({
        id: z.number().int().positive(),
        name: MutationName,
        args: z.unknown(),
      }),
    )
    .max(1000),
});
export type PushRequest = z.infer<typeof PushRequest>;

/**
 * The `args` a console pushes to withdraw a mutation it has given up on (the server failed it with 5xx again and
 * again): every server rejects it (a current one as `withdrawn`, an older one as `invalid_args`) and consumes its id,
 * so the outbox behind it moves on. The console keeps the server's own failure as the reason it shows.
 */
export const WITHDRAWN_ARGS = null;
/** The rejection code of a mutation the server could not apply for a reason no rule names (a database error). */
export const CANNOT_APPLY = 'cannot_apply';

export const PushResult = z.object({
  id: z.number().int(),
  /** `applied`, `duplicate` (id ≤ last, skipped) or `rejected` (domain rule; id still consumed). */
  outcome: z.enum(['applied', 'duplicate', 'rejected']),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type PushResult = z.infer<typeof PushResult>;

export const PushResponse = z.object({
  lastMutationId: z.number().int(),
  results: z.array(PushResult),
});
export type PushResponse = z.infer<typeof PushResponse>;

/** Where a snapshot (schema 6) stands: its phase, the last id sent in it, and the hot-ticket cutoff it uses. */
export interface SnapshotPosition {
  /** The change-log position the snapshot started from: the pulls after it continue from there. */
  from: LogPosition;
  /**
   * 0 users, teams and presence; 1 the hot tickets with their events; 2 recent and open calls; 3 the other tickets
   * (server/sync/snapshot). A cursor of an older server's phase 1 (every ticket) continues correctly as this one's:
   * phase 3 sends every ticket phase 1 did not.
   */
  phase: 0 | 1 | 2 | 3;
  /** The last ticket (phases 1, 3) or call (2) id sent, '' at the phase's start. */
  after: string;
  /** Tickets changed since (and calls started since) this instant, in seconds since the epoch, are hot. */
  cutoff: number;
}

const SNAPSHOT_CURSOR = /^(\d{1,20}:\d{1,19}):s([0-3]):([0-9a-f-]{36})?:(\d{1,12})$/;

export function snapshotCursorText(p: SnapshotPosition): string {
  return `${p.from.xid}:${p.from.seq}:s${p.phase}:${p.after}:${p.cutoff}`;
}

/** A snapshot cursor's text ("xid:seq:s<phase>:<after>:<cutoff>") as a position, or null. */
export function parseSnapshotCursorText(text: string): SnapshotPosition | null {
  const m = SNAPSHOT_CURSOR.exec(text);
  const from = m?.[1] ? parseLogPosition(m[1]) : null;
  if (!m || !from) return null;
  return { from, phase: Number(m[2]) as SnapshotPosition['phase'], after: m[3] ?? '', cutoff: Number(m[4]) };
}

/**
 * A pull cursor as the server wrote it (base64url of "xid:seq", or of a snapshot position) as the change-log
 * position it stands for, or null when it is not one.
 */
export function parsePullCursor(cursor: string): LogPosition | null {
  const text = decodeBase64Url(cursor);
  if (text === null) return null;
  return parseLogPosition(text) ?? parseSnapshotCursorText(text)?.from ?? null;
}

export const PullRequest = z.object({
  clientId: Uuid,
  schemaVersion: z.number().int().positive(),
  /** Opaque to the client; null for the first pull. */
  cursor: z
    .string()
    .max(200)
    .refine((c) => parsePullCursor(c) !== null, 'not a pull cursor')
    .nullable(),
  limit: z.number().int().min(1).max(5000).optional(),
  /** Ask for `estimate` in the response (the client does on the first page of an initial sync). */
  estimate: z.boolean().optional(),
});
export type PullRequest = z.infer<typeof PullRequest>;

export const SYNC_ENTITIES = ['ticket', 'ticket_event', 'user', 'team', 'call', 'presence'] as const;
/** The first schema whose consoles parse `presence` changes. */
export const PRESENCE_SCHEMA_VERSION = 4;
export const SyncEntity = z.enum(SYNC_ENTITIES);
export type SyncEntity = z.infer<typeof SyncEntity>;

export const Change = z.object({
  entity: SyncEntity,
  op: z.enum(['put', 'del']),
  id: z.string(),
  /** The row in its wire shape (domain.ts) for `put`, a ticket as a row (ticketFromWire); absent for `del`. */
  data: z.unknown().optional(),
});
export type Change = z.infer<typeof Change>;

export const PullResponse = z.object({
  cursor: z.string(),
  /** The last mutation id of this client the server has processed: outbox rows ≤ it are done. */
  lastMutationId: z.number().int(),
  changes: z.array(Change),
  /** More changes are waiting beyond this page: pull again at once. */
  more: z.boolean(),
  /**
   * The request's cursor is older than the sync horizon (compaction purged tombstones it had not seen): wipe
   * the synced tables (never the outbox) and pull again from the start (`cursor` null).
   */
  reset: z.boolean().optional(),
  /**
   * A cheap estimate of the changes left from the request's cursor on (this page included), sent when asked for
   * and on a first pull; absent otherwise and from older servers.
   */
  estimate: z.number().int().nonnegative().optional(),
  /**
   * Committed changes wait beyond this response, held back by the horizon (a transaction older than theirs was still
   * running): pull again shortly. No poke may follow, since that older transaction may write nothing to the log.
   * Absent from older servers (their consoles wait for the next poke or the interval).
   */
  heldBack: z.boolean().optional(),
  /**
   * Snapshot ticket pages (schema 6): every ticket this page puts arrives without its events (history not
   * downloaded), except those listed, whose events the snapshot sends.
   */
  historyOmitted: z.object({ except: z.array(z.string()) }).optional(),
  /**
   * Snapshot pages once the working set is in (schema 6): users, teams, presence and every hot ticket with its
   * events have been sent; what follows is recent calls and the other tickets. Absent from older servers.
   */
  workingSetIn: z.boolean().optional(),
});
export type PullResponse = z.infer<typeof PullResponse>;

/** `server_error`: the server answers, but with 5xx (a console that hears back is never "offline"). */
export const SyncState = z.enum(['offline', 'connecting', 'syncing', 'online', 'server_error']);
export const SyncStatus = z.object({
  state: SyncState,
  pending: z.number().int(),
  /** ISO time the host lost the server, null while online. */
  offlineSince: z.string().nullable(),
  /** While the state is `server_error`: the last failure's HTTP status and `error` code, and since when it fails. */
  serverError: z
    .object({ status: z.number().int().nullable(), code: z.string(), since: z.string() })
    .nullable()
    .optional(),
  lastSyncAt: z.string().nullable(),
  /** Initial sync progress, null when not in an initial sync. */
  progress: z
    .object({
      rows: z.number().int(),
      total: z.number().int().nullable(),
      /** The initial sync was interrupted (restart, lost connection) and continues from its saved cursor. */
      resumed: z.boolean().optional(),
      /**
       * The working set is in (PullResponse.workingSetIn): the views agents work in are complete and older tickets
       * are still arriving; search and tickets not cached yet are answered by the server meanwhile.
       */
      workingSet: z.boolean().optional(),
    })
    .nullable(),
  /**
   * After an initial sync: the cache is still building what the console can work without (the search index, the
   * indexes of jump-to-code, duplicates and short search, the WAL checkpoint); those answer by scanning meanwhile.
   */
  background: z.boolean().optional(),
  rejected: z.array(
    z.object({
      mutationId: z.number().int(),
      name: z.string(),
      code: z.string(),
      message: z.string(),
      at: z.string(),
      /** The ticket the rejected change was about, when it named one. */
      ticketId: z.string().nullable().optional(),
    }),
  ),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

/**
 * Whether the desk reaches the server in this sync state: not offline, nor still connecting (a console started
 * offline says so until it first reaches the server), nor unknown yet.
 */
export function reachesServer(state: SyncStatus['state'] | undefined): boolean {
  return state !== undefined && state !== 'offline' && state !== 'connecting';
}
