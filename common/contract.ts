/**
 * The one door between the renderer and the desk host (DESIGN.md §3): every method the renderer may call
 * and every event the host pushes, with zod schemas. The preload's `window.desk` and the browser host's
 * client are both built from this table by `createDeskClient`; the host validates every input against it.
 * Adding a method = one entry here + its handler in main/desk.ts.
 */
import { z } from 'zod';
import { PhoneRef } from './api';
import { CallPop, CtiSettings, CtiStatus, PresenceState, PresenceView } from './calls/pop';
import {
  CALLBACK_RESULTS,
  Call as CallRecord,
  CallDirection,
  Category,
  Priority,
  Team,
  Ticket,
  TicketEvent,
  TicketStatus,
  TEAM_IDS,
  User,
} from './domain';
import { LeadBoard, ReassignNotice, ReassignRequest, ReassignResult } from './lead/board';
import { AuditFilter, AuditPage, EraseReason, EraseResult, ResidentExport, ResidentId } from './privacy';
import { Uuid, isoDateTime, line, text } from './input';
import {
  CallNextRequest,
  CalledNumber,
  KioskRepairReceipt,
  KioskRepairRequest,
  KioskStatusAnswer,
  KioskStatusRequest,
  QueueBoard,
  QueueNumberId,
  TakeNumberRequest,
  TakenNumber,
} from './kiosk/api';
import { TicketCreateArgs } from './mutations';
import { RESIDENT_LOOKUP_LIMIT, ResidentLookupResult } from './residents/directory';
import { SetSlaLimitsRequest, SetWeatherAlertRequest, SetYearScheduleRequest, SlaSettingsView } from './sla/settings';
import { KpiCsv, KpiQuery, KpiReport } from './kpi';
import { SyncStatus } from './sync';
import { REASON_MAX } from './ticket-access';
import { StatusOutputs } from './workflows';
import {
  AssignmentOverview,
  Escalation,
  QueueSettings,
  SetCapacityRequest,
  SetQueueSettingsRequest,
} from './assignment';

/** Required where common/ticket-access says so: cancelling, raising to P0/P1, reassigning another's ticket. */
const Reason = text(REASON_MAX, { trim: true }).optional();

/** `team.<id>` views: one queue per team of TEAM_IDS (open tickets of that team). */
export const TEAM_VIEW_IDS = TEAM_IDS.map((id) => `team.${id}` as const);
export type TeamViewId = `team.${(typeof TEAM_IDS)[number]}`;
/**
 * The ticket views (issue 4 item 3). Open views are in SLA-urgency order; `overdue`, `at_risk` and
 * `recently_closed` depend on the time, so their counts are taken at the host's `now`.
 */
export const VIEW_IDS = [
  'inbox',
  'mine',
  'unassigned',
  ...TEAM_VIEW_IDS,
  'overdue',
  'at_risk',
  'awaiting_follow_up',
  'waiting_on_resident',
  'recently_closed',
  'all',
] as const satisfies readonly string[];
export const ViewId = z.enum(VIEW_IDS);
export type ViewId = z.infer<typeof ViewId>;

export const Session = z.object({ user: User.nullable(), serverUrl: z.string() });
export type Session = z.infer<typeof Session>;

/** The ticket fields local search looks in (issue 4 item 7). */
export const SearchField = z.enum(['code', 'title', 'description', 'residentName', 'phone', 'unitCode']);
export type SearchField = z.infer<typeof SearchField>;
/**
 * Where a search term matched: `text` is the field's value or a snippet of it (cut with "…"), `ranges` are
 * [start, end) UTF-16 offsets into `text`. Plain data, never markup: the renderer wraps the ranges itself.
 */
export const SearchHighlight = z.object({
  field: SearchField,
  text: z.string(),
  ranges: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0)])),
});
export type SearchHighlight = z.infer<typeof SearchHighlight>;
export const SearchResult = z.object({
  /** Omitted when counting would cost a scan (1–2 character queries with a full page). */
  total: z.number().int().optional(),
  items: z.array(z.object({ ticket: Ticket, highlights: z.array(SearchHighlight) })),
  /** Answered by the server while the first sync fills the cache (newest first, not ranked; no total). */
  fromServer: z.boolean().optional(),
});
export type SearchResult = z.infer<typeof SearchResult>;

const TicketPage = z.object({ total: z.number().int(), items: z.array(Ticket) });
/**
 * Why the server would not give a ticket's earlier events (main/sync/history-fetch): forbidden (403), not_found
 * (404, deleted meanwhile), server_error (5xx), failed (anything else it refused). The desk does not ask again
 * for a while (REFUSED_RETRY_MS), so the detail says the history cannot be fetched rather than that it is loading.
 */
export const HistoryRefusal = z.enum(['forbidden', 'not_found', 'server_error', 'failed']);
export type HistoryRefusal = z.infer<typeof HistoryRefusal>;
const TicketDetail = z
  .object({
    ticket: Ticket,
    events: z.array(TicketEvent),
    historyMissing: z.boolean().optional(),
    /** Only with historyMissing: the server refused the history, and the desk is not asking again for now. */
    historyRefused: HistoryRefusal.optional(),
    /**
     * Read from the server: the first sync has not brought this ticket into the cache yet (main/services/
     * first-sync-reads). Read-only until it arrives (a tickets.changed names it).
     */
    fromServer: z.boolean().optional(),
  })
  .nullable();

const method = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });

export const METHODS = {
  'session.login': method(
    z.object({ username: line(64, { trim: true, min: 1 }), password: text(256, { min: 1 }) }),
    Session,
  ),
  'session.logout': method(z.object({}), Session),
  'session.me': method(z.object({}), Session),

  'tickets.views': method(z.object({}), z.array(z.object({ id: ViewId, count: z.number().int() }))),
  'tickets.list': method(
    z.object({
      view: ViewId,
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(100),
    }),
    TicketPage,
  ),
  // historyMissing: the ticket's earlier events are not in the cache (a first pull leaves out the history of tickets
  // nobody works on); the desk fetches them when the ticket is opened and announces tickets.changed once they are in.
  'tickets.get': method(z.object({ id: Uuid }), TicketDetail),
  /**
   * Where a ticket sits, so the list cursor can follow a jump to it: its row in `view` when that view holds it,
   * else in the inbox, else in `all`; null when the cache does not hold the ticket.
   */
  'tickets.locate': method(
    z.object({ id: Uuid, view: ViewId }),
    z.object({ view: ViewId, index: z.number().int().min(0) }).nullable(),
  ),
  /**
   * A jump to a ticket in one round trip: its detail (as tickets.get), where it sits (as tickets.locate) and the
   * list page that holds that row, so the list, its cursor and the detail paint together.
   */
  'tickets.jump': method(
    z.object({ id: Uuid, view: ViewId, pageSize: z.number().int().min(1).max(500).default(100) }),
    z.object({
      detail: TicketDetail,
      place: z
        .object({ view: ViewId, index: z.number().int().min(0), offset: z.number().int().min(0), page: TicketPage })
        .nullable(),
    }),
  ),
  'tickets.create': method(
    // The mutation's arguments without the ids the desk assigns (common/mutations).
    TicketCreateArgs.omit({ id: true, eventId: true }),
    Ticket,
  ),
  'tickets.setStatus': method(
    z.object({
      id: Uuid,
      status: TicketStatus,
      note: text(2000).default(''),
      /** Required by some transitions (common/workflows): photos, materials, reply, follow-up… */
      outputs: StatusOutputs.optional(),
      reason: Reason,
    }),
    Ticket,
  ),
  'tickets.assign': method(
    z.object({
      id: Uuid,
      assigneeId: Uuid.nullable(),
      teamId: line(32).nullable().optional(),
      reason: Reason,
    }),
    Ticket,
  ),
  'tickets.comment': method(z.object({ id: Uuid, body: text(5000, { trim: true, min: 1 }) }), TicketEvent),
  /**
   * Field edits. `baseDescription` defaults to the description the desk shows now: if someone else changed it
   * before this edit reaches the server, theirs stays and this text is kept as a conflict note.
   */
  'tickets.edit': method(
    z.object({
      id: Uuid,
      title: text(200, { trim: true, min: 1 }).optional(),
      description: text(5000).optional(),
      category: Category.optional(),
      priority: Priority.optional(),
      baseDescription: text(5000).optional(),
      reason: Reason,
    }),
    Ticket,
  ),
  'tickets.tag': method(
    z.object({
      id: Uuid,
      add: z
        .array(line(32, { trim: true, min: 1 }))
        .max(20)
        .default([]),
      remove: z
        .array(line(32, { trim: true, min: 1 }))
        .max(20)
        .default([]),
    }),
    Ticket,
  ),
  /** Local search over code, title, description, resident name, phone and unit (the `/` box); ranked. */
  'tickets.search': method(
    z.object({
      q: text(1000),
      limit: z.number().int().min(1).max(100).default(20),
      offset: z.number().int().min(0).max(10_000).default(0),
    }),
    SearchResult,
  ),
  /**
   * Intake's duplicate check: open tickets of this unit and category created in the last 72 h, newest first
   * (common/intake/duplicates). Linking = `tickets.comment` on one of them instead of creating a new ticket.
   */
  'tickets.duplicates': method(z.object({ unitId: line(64, { min: 1 }), category: Category }), z.array(Ticket)),
  /** Lead/admin only (the server decides); a deletion beats every later change of the ticket. */
  'tickets.delete': method(z.object({ id: Uuid, reason: text(500, { trim: true, min: 1 }) }), z.object({ id: Uuid })),

  /** Logs a call at this desk; works offline (the log reaches the server exactly once). */
  'calls.log': method(
    z.object({
      direction: CallDirection,
      from: line(32, { trim: true, min: 1 }),
      to: line(32, { trim: true }).nullable().default(null),
      startedAt: isoDateTime(),
      answeredAt: isoDateTime().nullable().default(null),
      endedAt: isoDateTime().nullable().default(null),
      missed: z.boolean().default(false),
      notes: text(5000).default(''),
      residentId: line(64).nullable().default(null),
      ticketId: Uuid.nullable().default(null),
    }),
    CallRecord,
  ),
  'calls.recent': method(z.object({ limit: z.number().int().min(1).max(500).default(50) }), z.array(CallRecord)),
  /**
   * The calls views, from the desk's cache (works offline): `today` (started since local midnight), `missed`
   * (the callback queue: open and claimed), `all`; optionally one number's calls. Newest first.
   */
  'calls.list': method(
    z.object({
      view: z.enum(['today', 'missed', 'all']).default('today'),
      number: line(64, { trim: true }).optional(),
      limit: z.number().int().min(1).max(500).default(100),
    }),
    z.object({ items: z.array(CallRecord), missedOpen: z.number().int() }),
  ),
  /** Calls ringing at, or on, this desk (offered to its agent, or on its softphone), oldest first. */
  'calls.active': method(z.object({}), z.array(CallRecord)),
  /** The screen pop of one call: caller-ID candidates, open tickets, last calls, arrears. */
  'calls.pop': method(z.object({ id: Uuid }), CallPop.nullable()),
  /** Softphone control (baresip or AMI): answer / hang up / hold / resume the call on this desk's phone. */
  'calls.answer': method(z.object({ id: Uuid.optional() }), z.object({})),
  'calls.hangup': method(z.object({ id: Uuid.optional() }), z.object({})),
  'calls.hold': method(z.object({ id: Uuid.optional() }), z.object({})),
  'calls.resume': method(z.object({ id: Uuid.optional() }), z.object({})),
  /**
   * Click-to-dial: the softphone dials a stored number, never a typed one. The desk asks the server for the number
   * (an audited reveal with purpose `dial`), so dialling needs the server: offline it fails with `offline`.
   */
  'calls.dial': method(PhoneRef, z.object({})),
  /** Take a missed call's callback: the first claim wins (the server decides; a loser's claim is rejected). */
  'calls.claimCallback': method(z.object({ id: Uuid }), CallRecord),
  'calls.callbackResult': method(
    z.object({ id: Uuid, result: z.enum(CALLBACK_RESULTS), note: text(2000).default('') }),
    CallRecord,
  ),
  'calls.wrapUp': method(
    z.object({
      id: Uuid,
      disposition: line(32, { trim: true, min: 1 }),
      notes: text(5000).default(''),
      ticketIds: z.array(Uuid).max(20).default([]),
    }),
    CallRecord,
  ),
  /** Links a call to a ticket (with a work-log entry on the ticket) and/or to the resident the agent picked. */
  'calls.link': method(
    z.object({ id: Uuid, ticketId: Uuid.optional(), residentId: line(64, { trim: true, min: 1 }).optional() }),
    CallRecord,
  ),
  /** Wrap-up codes (the server's list as last fetched; the defaults offline). */
  'calls.dispositions': method(z.object({}), z.array(z.string())),

  'presence.get': method(z.object({}), PresenceView),
  'presence.set': method(z.object({ state: PresenceState }), PresenceView),

  'cti.status': method(z.object({}), CtiStatus),
  'cti.settings': method(z.object({}), CtiSettings),
  'cti.setSettings': method(CtiSettings, CtiSettings),

  /**
   * The whole number behind a masked one, for the agent to read (issue 11 §4): asked of the server, which audits
   * it; offline it fails with `offline`. The number comes in its display form and is never cached.
   */
  'phones.reveal': method(PhoneRef, z.object({ number: z.string() })),

  /** Intake lookup as you type, in the local residents directory: room (full or partial), phone (any form), name. */
  'residents.lookup': method(
    z.object({
      q: text(100),
      limit: z.number().int().min(1).max(RESIDENT_LOOKUP_LIMIT).default(RESIDENT_LOOKUP_LIMIT),
    }),
    ResidentLookupResult,
  ),

  /** Admin, online only: everything the server holds about one resident (PIPL access request), as JSON. */
  'residents.export': method(z.object({ id: ResidentId }), ResidentExport),
  /** Admin, online only: erases (anonymises) one resident on their request; every console receives the result. */
  'residents.erase': method(z.object({ id: ResidentId, reason: EraseReason }), EraseResult),

  /** Lead/admin, online only: a page of the audit log, newest first, filtered. */
  'audit.list': method(AuditFilter, AuditPage),

  /** SLA settings as last fetched from the server (works offline), with provisional-calendar warnings. */
  'settings.sla': method(z.object({}), SlaSettingsView),
  /** Lead/admin (the server decides): stretches SLA limits by the weather factor while on. */
  'settings.setWeatherAlert': method(SetWeatherAlertRequest, SlaSettingsView),
  /** Admin: the official holiday schedule of one year (replaces that year's). */
  'settings.setYearSchedule': method(SetYearScheduleRequest, SlaSettingsView),
  /** Admin: replaces the SLA limit overrides (type → milestone → class → minutes | {workingDays} | null). */
  'settings.setLimits': method(SetSlaLimitsRequest, SlaSettingsView),

  'directory.users': method(z.object({}), z.array(User)),
  'directory.teams': method(z.object({}), z.array(Team)),

  'sync.status': method(z.object({}), SyncStatus),
  'sync.now': method(z.object({}), SyncStatus),
  /** Forgets rejected changes the agent has reviewed; returns the new status. */
  'sync.dismissRejected': method(
    z.object({ mutationIds: z.array(z.number().int().positive()).min(1).max(1000) }),
    SyncStatus,
  ),

  // Lobby kiosk and queue (issue 12 §4). The kiosk's screen reaches only the kiosk.* ones, the lobby display only
  // queue.board (common/surfaces); the console calls numbers to its counter.
  /** Signs the lobby device in; only a kiosk account is accepted (the session of a lobby screen). */
  'kiosk.signIn': method(
    z.object({ username: line(64, { trim: true, min: 1 }), password: text(256, { min: 1 }) }),
    Session,
  ),
  'kiosk.takeNumber': method(TakeNumberRequest, TakenNumber),
  'kiosk.reportRepair': method(KioskRepairRequest, KioskRepairReceipt),
  'kiosk.checkStatus': method(KioskStatusRequest, KioskStatusAnswer),
  'queue.board': method(z.object({}), QueueBoard),
  'queue.callNext': method(CallNextRequest, CalledNumber),
  'queue.recall': method(QueueNumberId, CalledNumber),
  'queue.skip': method(QueueNumberId, z.object({ id: Uuid })),
  // Auto-assignment and escalation (issue 12 item 2): leads and admins, online only (the server decides).
  /** Every team queue: its settings, agents (load, capacity, presence) and waiting tickets, oldest first. */
  'assignment.overview': method(z.object({}), AssignmentOverview),
  /** Sets one queue's mode, skills filter and escalation; waiting tickets are assigned at once if they can be. */
  'assignment.setQueue': method(
    SetQueueSettingsRequest.extend({ teamId: QueueSettings.shape.teamId }).strict(),
    QueueSettings,
  ),
  /** Sets an agent's capacity (open tickets at most). */
  'assignment.setCapacity': method(
    SetCapacityRequest.extend({ userId: Uuid }).strict(),
    z.object({ capacity: z.number() }),
  ),
  /** Open escalations (oldest first), or all recent ones. */
  'assignment.escalations': method(z.object({ open: z.boolean().default(true) }), z.array(Escalation)),
  'assignment.acknowledge': method(z.object({ id: Uuid }), Escalation),
  // ── Lead board (issue 12 item 1) ──
  /** Lead/admin: queue counts, agents (presence, call, load, handled today) and the SLA-risk list, from the cache. */
  'lead.board': method(z.object({}), LeadBoard),
  /**
   * Lead/admin: moves tickets (chosen, or a whole team queue) to an agent, one `ticket.assign` per ticket through
   * the outbox (offline-safe), each carrying the reason; says which moved (for undo) and which the rules refused.
   */
  'lead.reassign': method(ReassignRequest, ReassignResult),
  // ── KPI dashboard (issue 12 item 3) ──
  /** Lead/admin (the server decides), online only: the KPI report, computed by the server. */
  'kpi.report': method(KpiQuery, KpiReport),
  /** Lead/admin, online only: the same report as CSV (UTF-8 with BOM), for the renderer to save. */
  'kpi.csv': method(KpiQuery, KpiCsv),
} as const;

export const EVENTS = {
  'sync.status': SyncStatus,
  'tickets.changed': z.object({ ids: z.array(z.string()) }),
  /** Users or teams changed (names and teams shown beside tickets). */
  'directory.changed': z.object({}),
  /** The residents directory advanced (a downloaded page was written): intake lookups are worth asking again. */
  'residents.changed': z.object({}),
  /** The SLA settings (weather alert, calendar, limits) changed on the server or were first fetched. */
  'settings.changed': z.object({}),
  'session.changed': Session,
  /** A call started ringing for this desk's agent (pop it). */
  'call.ringing': z.object({ call: CallRecord }),
  /** A call of this desk changed (answered, held, ended, claimed, wrapped up…). */
  'call.updated': z.object({ call: CallRecord }),
  /** The calls in the cache changed (pull, live): lists and the missed count are worth asking again. */
  'calls.changed': z.object({}),
  'presence.changed': PresenceView,
  'cti.status': CtiStatus,

  // Lobby kiosk and queue (issue 12 §4).
  /** A queue number was taken, called, re-called or skipped: the board is worth asking again. */
  'queue.changed': z.object({}),
  // Auto-assignment and escalation (issue 12 item 2).
  /** The server escalated (or a lead acknowledged) an overdue step: leads' escalation lists are worth asking again. */
  'assignment.escalated': z.object({ id: Uuid }),
  // ── Lead board (issue 12 item 1) ──
  /** Someone else moved a ticket to, or away from, this desk's agent (a polite live notice). */
  'lead.reassigned': ReassignNotice,
} as const;

export type MethodName = keyof typeof METHODS;
export type EventName = keyof typeof EVENTS;
export type MethodInput<M extends MethodName> = z.input<(typeof METHODS)[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<(typeof METHODS)[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<(typeof METHODS)[M]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof EVENTS)[E]>;

export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(METHODS, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(EVENTS, name);
}

/** What the desk host implements: one handler per method, receiving already-validated input. */
export type DeskHandlers = { [M in MethodName]: (input: ParsedInput<M>) => Promise<MethodOutput<M>> };

type Namespace<M> = M extends `${infer NS}.${string}` ? NS : never;
type Member<M, NS extends string> = M extends `${NS}.${infer Rest}` ? Rest : never;
type Call<M extends MethodName> = (input?: MethodInput<M>) => Promise<MethodOutput<M>>;
type Group<NS extends string> = {
  [K in Member<MethodName, NS>]: Call<Extract<MethodName, `${NS}.${K}`>>;
};

/** The renderer's view: `desk.tickets.list({view})`, `desk.on('sync.status', cb)`. */
export type DeskApi = { [NS in Namespace<MethodName>]: Group<NS> } & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

export interface DeskTransport {
  invoke(method: MethodName, input: unknown): Promise<unknown>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

/**
 * Builds the `window.desk` object from the contract over any transport (IPC or WebSocket). With `only` (a page's
 * allow-list, common/surfaces), the object has those methods and nothing else — the others are not there to call —
 * and `on` refuses the other events; its type still names the whole contract.
 */
export function createDeskClient(
  transport: DeskTransport,
  only: { methods: readonly MethodName[]; events: readonly EventName[] } = {
    methods: METHOD_NAMES,
    events: EVENT_NAMES,
  },
): DeskApi {
  const api: Record<string, unknown> = {
    on: (event: EventName, listener: (payload: unknown) => void) => {
      if (!isEventName(event)) throw new Error(`Unknown desk event: ${String(event)}`);
      if (!only.events.includes(event)) throw new Error(`Desk event not available here: ${event}`);
      return transport.subscribe(event, listener);
    },
  };
  for (const name of only.methods) {
    const [ns, member] = name.split('.') as [string, string];
    const group = (api[ns] ??= {}) as Record<string, unknown>;
    group[member] = (input: unknown = {}) => transport.invoke(name, input);
  }
  return api as DeskApi;
}

/** Errors cross the transport as plain data so the renderer can show them. */
export const DeskError = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type DeskError = z.infer<typeof DeskError>;

/**
 * Validates and dispatches one call on the host side. Both shells (IPC and WebSocket) use this, so an
 * invalid payload is refused the same way everywhere.
 */
export async function dispatchDeskCall(
  handlers: DeskHandlers,
  method: unknown,
  input: unknown,
): Promise<{ ok: true; value: unknown } | { ok: false; error: DeskError }> {
  if (!isMethodName(method)) {
    return { ok: false, error: { code: 'unknown_method', message: `Unknown method ${String(method)}` } };
  }
  const parsed = METHODS[method].input.safeParse(input ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'invalid_input', message: `Invalid input for ${method}`, details: parsed.error.issues },
    };
  }
  try {
    const handler = handlers[method] as (input: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    return {
      ok: false,
      error: {
        code: typeof e.code === 'string' ? e.code : 'failed',
        message: typeof e.message === 'string' ? e.message : String(err),
      },
    };
  }
}
