/**
 * Domain vocabulary shared by every process (DESIGN.md §4). Values are the wire format;
 * labels live in the renderer's i18n and in workflows.ts.
 */
import { z } from 'zod';
import { MaskedPhone, PHONE_HASH } from './residents/phone-hash';

/** `integration`: a service account (the PBX) that only reports call events (server/auth/roles.ts `cti`). */
export const ROLES = ['agent', 'lead', 'technician', 'kiosk', 'admin', 'integration'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const TICKET_TYPES = ['repair', 'complaint', 'enquiry', 'suggestion', 'praise', 'fee'] as const;
export const TicketType = z.enum(TICKET_TYPES);
export type TicketType = z.infer<typeof TicketType>;

export const CATEGORIES = [
  'plumbing',
  'electrical',
  'lift',
  'access',
  'cleaning',
  'security',
  'noise',
  'parking',
  'fees',
  'other',
] as const;
export const Category = z.enum(CATEGORIES);
export type Category = z.infer<typeof Category>;

export const CHANNELS = ['phone', 'wechat', 'app', 'walk_in', 'kiosk', 'patrol'] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

/** Priority class P0 (life safety) … P4 (major works). */
export const Priority = z.number().int().min(0).max(4);
export type Priority = z.infer<typeof Priority>;

export const STATUSES = [
  'new',
  'accepted',
  'dispatched',
  'acknowledged',
  'on_site',
  'done',
  'confirmed',
  'closed',
  'on_hold',
  'cancelled',
  'reopened',
  'investigating',
  'replied',
  'contacted',
  'promised',
  'paid',
  'escalated',
] as const;
export const TicketStatus = z.enum(STATUSES);
export type TicketStatus = z.infer<typeof TicketStatus>;

/**
 * The resident tags the desk knows (DESIGN.md §4; the demo seed and intake use these keys): each has a label in
 * both languages. Any other tag is free text someone typed and is shown as it is.
 */
export const RESIDENT_TAGS = ['elderly', 'vip', 'disabled', 'language'] as const;
export type ResidentTag = (typeof RESIDENT_TAGS)[number];

export const TEAM_IDS = ['cs', 'plumbing', 'electrical', 'lift', 'cleaning', 'security', 'finance'] as const;

/** Human code prefix per ticket type: 报修 BX, 投诉 TS, 咨询 ZX, 建议 JY, 表扬 BY, 催缴 CJ. */
export const CODE_PREFIX: Record<TicketType, string> = {
  repair: 'BX',
  complaint: 'TS',
  enquiry: 'ZX',
  suggestion: 'JY',
  praise: 'BY',
  fee: 'CJ',
};

/** `BX-20261126-0042`: prefix, local (Asia/Shanghai) date, per-prefix-per-day sequence. */
/** A ticket code as printed (BX-20261126-0042), typed in or read from a QR code; lower case is forgiven. */
export const TicketCodeInput = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}-\d{8}-\d{4,}$/, 'a ticket code like BX-20261126-0042');

export function formatTicketCode(type: TicketType, shanghaiDate: string, seq: number): string {
  return `${CODE_PREFIX[type]}-${shanghaiDate.replaceAll('-', '')}-${String(seq).padStart(4, '0')}`;
}

/** The calendar date in Asia/Shanghai (UTC+8, no DST) of an instant, as YYYY-MM-DD. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

const Iso = z.string().datetime({ offset: true });
const Uuid = z.string().uuid();

/** Open tickets an agent holds at most when no capacity is set. */
export const DEFAULT_AGENT_CAPACITY = 10;
export const AGENT_CAPACITY_MAX = 200;

export const User = z.object({
  id: Uuid,
  username: z.string(),
  name: z.string(),
  role: Role,
  extension: z.string().nullable(),
  teamId: z.string().nullable(),
  /**
   * Auto-assignment (issue 12): the ticket categories the agent handles (empty = every category of their team)
   * and how many open tickets they hold at most. Optional on the wire: older servers and caches carry neither;
   * read them through `agentSkills` / `agentCapacity`.
   */
  skills: z.array(Category).optional(),
  capacity: z.number().int().min(0).max(AGENT_CAPACITY_MAX).optional(),
});
export type User = z.infer<typeof User>;

export const agentCapacity = (u: Pick<User, 'capacity'>): number => u.capacity ?? DEFAULT_AGENT_CAPACITY;
export const agentSkills = (u: Pick<User, 'skills'>): readonly Category[] => u.skills ?? [];

export const Team = z.object({ id: z.string(), nameZh: z.string(), nameEn: z.string() });
export type Team = z.infer<typeof Team>;

/** SLA milestones (DESIGN.md §4); common/sla/policy keys its limit table by them. */
export const SLA_MILESTONES = ['respond', 'onSite', 'fix', 'reply', 'followUp'] as const;
export const SlaMilestone = z.enum(SLA_MILESTONES);
export type SlaMilestone = z.infer<typeof SlaMilestone>;

/** One on_hold span of a ticket's SLA clock; `end` null while it is still on hold. */
export const SlaPause = z.object({ start: Iso, end: Iso.nullable() });
export type SlaPause = z.infer<typeof SlaPause>;

/**
 * The SLA clock of the ticket's current step, computed by common/sla/ticket-sla.ts inside applyMutation (both the
 * desk's optimistic copy and the server). Every field defaults, so rows and payloads from before SLA wiring parse.
 */
export const TicketSlaFields = {
  /** The milestone the current step runs against; null when no clock runs (closed, fee steps, no limit). */
  slaMilestone: SlaMilestone.nullable().default(null),
  /** When the milestone's clock started (creation, completion, reopening…). */
  slaStartedAt: Iso.nullable().default(null),
  /** Deadline; null while paused (on_hold) or without a clock. */
  slaDueAt: Iso.nullable().default(null),
  /** The instant 75% of the limit has elapsed (in the clock's own time); null like slaDueAt. */
  slaRiskAt: Iso.nullable().default(null),
  /** Start of the running on_hold span (clock paused). */
  slaPausedAt: Iso.nullable().default(null),
  /** While paused: minutes of the clock (office minutes for P3+) left to the deadline, 0 if already overdue. */
  slaRemainingMinutes: z.number().nonnegative().nullable().default(null),
  /** The deadline was computed on a year only the fallback calendar covers. */
  slaProvisional: z.boolean().default(false),
  /** Every on_hold span of the ticket, oldest first (the clock excludes them). */
  slaPauses: z.array(SlaPause).default([]),
};

export const Ticket = z.object({
  id: Uuid,
  /** Null until the server has accepted a ticket created offline. */
  code: z.string().nullable(),
  type: TicketType,
  category: Category,
  channel: Channel,
  priority: Priority,
  status: TicketStatus,
  title: z.string(),
  description: z.string(),
  unitId: z.string().nullable(),
  unitCode: z.string().nullable(),
  residentId: z.string().nullable(),
  residentName: z.string().nullable(),
  /**
   * On the server: the number as recorded. Everywhere else (pulls, REST, the desk's cache): masked
   * (common/residents/phone maskPhone); the number itself only through an audited reveal (issue 11 §4).
   */
  phone: z.string().nullable(),
  teamId: z.string().nullable(),
  assigneeId: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: Iso,
  updatedAt: Iso,
  closedAt: Iso.nullable(),
  version: z.number().int(),
  /** Changed only through `ticket.tag` add/remove ops (set semantics); sorted. */
  tags: z.array(z.string()).default([]),
  ...TicketSlaFields,
  /** The phone's keyed hash (common/residents/phone-hash), for caller-ID; null without a valid number. */
  phoneHash: z.string().regex(PHONE_HASH).nullable().default(null),
});
export type Ticket = z.infer<typeof Ticket>;
export type TicketSla = Pick<Ticket, keyof typeof TicketSlaFields>;
/** A ticket without an SLA clock (the defaults). */
export const NO_SLA: TicketSla = {
  slaMilestone: null,
  slaStartedAt: null,
  slaDueAt: null,
  slaRiskAt: null,
  slaPausedAt: null,
  slaRemainingMinutes: null,
  slaProvisional: false,
  slaPauses: [],
};

/** `edit`, `tags` and `conflict` (a losing description, kept as a note) arrived with sync schema 2. */
export const TICKET_EVENT_KINDS = [
  'created',
  'comment',
  'status',
  'assign',
  'priority',
  'edit',
  'tags',
  'conflict',
] as const;
/** The kinds a schema-1 console can parse; pulls for it omit the others. */
export const V1_TICKET_EVENT_KINDS: readonly string[] = ['created', 'comment', 'status', 'assign', 'priority'];
export const TicketEvent = z.object({
  id: Uuid,
  ticketId: Uuid,
  kind: z.enum(TICKET_EVENT_KINDS),
  body: z.string(),
  /** Kind-specific facts, e.g. `{from, to}` for a status change. */
  data: z.record(z.string(), z.unknown()),
  authorId: z.string().nullable(),
  createdAt: Iso,
});
export type TicketEvent = z.infer<typeof TicketEvent>;

export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;
export const CallDirection = z.enum(CALL_DIRECTIONS);
export type CallDirection = z.infer<typeof CallDirection>;

/** Why a call ended. The first seven are Zammad's causes; `rejected` = refused (blocked caller), `lost` = swept. */
export const CALL_END_CAUSES = [
  'normalClearing',
  'busy',
  'cancel',
  'noAnswer',
  'congestion',
  'notFound',
  'forwarded',
  'rejected',
  'failed',
  'lost',
] as const;
export const CallEndCause = z.enum(CALL_END_CAUSES);
export type CallEndCause = z.infer<typeof CallEndCause>;

export const CALL_STATES = ['ringing', 'talking', 'held', 'ended'] as const;
export const CallState = z.enum(CALL_STATES);
export type CallState = z.infer<typeof CallState>;

/** A missed call's callback: `open` in the queue, `claimed` by one agent (first claim wins), `done` with a result. */
export const CALLBACK_STATES = ['none', 'open', 'claimed', 'done'] as const;
export const CALLBACK_RESULTS = ['reached', 'no_answer', 'wrong_number', 'voicemail'] as const;
export const Callback = z.object({
  state: z.enum(CALLBACK_STATES),
  claimedBy: z.string().nullable(),
  claimedAt: Iso.nullable(),
  result: z.enum(CALLBACK_RESULTS).nullable(),
  note: z.string(),
  doneAt: Iso.nullable(),
});
export type Callback = z.infer<typeof Callback>;
export const NO_CALLBACK: Callback = {
  state: 'none',
  claimedBy: null,
  claimedAt: null,
  result: null,
  note: '',
  doneAt: null,
};

/** One reporter's channel of a call: the PBX's, each softphone's, each AMI channel. */
export const CallLeg = z.object({
  legId: z.string(),
  source: z.string(),
  /** The reporter's own id for the call. */
  callId: z.string(),
  sipCallId: z.string().nullable(),
  /** The agent this leg rang or was answered by (as reported: extension, username…). */
  agent: z.string().nullable(),
  startedAt: Iso,
  answeredAt: Iso.nullable(),
  endedAt: Iso.nullable(),
  /** Why this leg ended (a leg's end ends the call only when the leg speaks for it: common/calls/machine). */
  cause: CallEndCause.nullable().default(null),
  q850: z.number().int().nullable().default(null),
  /** This reporter reported the ringing (a leg first heard of by its answer or hangup has not). */
  rang: z.boolean().default(false),
});
export type CallLeg = z.infer<typeof CallLeg>;

export const CallTransfer = z.object({ kind: z.enum(['blind', 'attended']), target: z.string(), at: Iso });

/**
 * One record per call (DESIGN.md §4, §6), built by the pure state machine in common/calls/machine.ts from the
 * events of every reporter, or logged by hand (`call.log`). The fields after `loggedAt` came with the phone
 * issue and default, so older rows and payloads parse.
 */
export const Call = z.object({
  id: Uuid,
  /** The primary reporter's id (the PBX's when a PBX reported the call). */
  callId: z.string(),
  direction: CallDirection,
  /** As reported on the server; masked everywhere else, like a ticket's phone (fromHash/toHash match them). */
  from: z.string().nullable(),
  to: z.string().nullable(),
  /** The agent who answered (user id); for a hand-logged call, who logged it. */
  agentId: z.string().nullable(),
  residentId: z.string().nullable(),
  /** The first linked ticket (all of them in `ticketIds`). */
  ticketId: z.string().nullable(),
  startedAt: Iso,
  answeredAt: Iso.nullable(),
  endedAt: Iso.nullable(),
  missed: z.boolean(),
  notes: z.string(),
  /** Stamped by the server when the log arrives (the local clock until then): the order of the call list. */
  loggedAt: Iso,
  state: CallState.default('ended'),
  /** The primary reporter (`pbx`, `zammad`, `ami`, `baresip`, `hook`, `desk` for a hand log). */
  source: z.string().default('desk'),
  fromE164: z.string().nullable().default(null),
  callerName: z.string().nullable().default(null),
  queue: z.string().nullable().default(null),
  /** The agents the call was offered to, as reported, and those the server matched to users. */
  offeredTo: z.array(z.string()).default([]),
  offeredAgentIds: z.array(z.string()).default([]),
  answeredBy: z.string().nullable().default(null),
  legs: z.array(CallLeg).default([]),
  sipCallIds: z.array(z.string()).default([]),
  cause: CallEndCause.nullable().default(null),
  q850: z.number().int().nullable().default(null),
  forwarded: z.boolean().default(false),
  blocked: z.boolean().default(false),
  /** Seconds from the first ring to the answer (or to the end when never answered). */
  waitingSeconds: z.number().nonnegative().nullable().default(null),
  /** Seconds from the answer to the end. */
  talkingSeconds: z.number().nonnegative().nullable().default(null),
  heldAt: Iso.nullable().default(null),
  holdSeconds: z.number().nonnegative().default(0),
  transfers: z.array(CallTransfer).default([]),
  recordingUrl: z.string().nullable().default(null),
  /** `known`: the number is the resident's; `maybe`: it was seen on their earlier ticket or call. */
  residentConfidence: z.enum(['known', 'maybe']).nullable().default(null),
  callback: Callback.default(NO_CALLBACK),
  /** Wrap-up code (admin-managed list; common/calls/dispositions.ts has the defaults). */
  disposition: z.string().nullable().default(null),
  ticketIds: z.array(z.string()).default([]),
  /** The newest event's time: a sweep ends calls whose events stopped. */
  lastEventAt: Iso.nullable().default(null),
  /** Keyed hashes of `from` and `to` (common/residents/phone-hash): set where the numbers are masked. */
  fromHash: z.string().regex(PHONE_HASH).nullable().default(null),
  toHash: z.string().regex(PHONE_HASH).nullable().default(null),
});
export type Call = z.infer<typeof Call>;
export type CallInput = z.input<typeof Call>;

/** An agent's availability (DESIGN.md §4): set by the agent, and by calls (on_call, then wrap_up). */
export const PRESENCE_STATES = ['available', 'on_call', 'wrap_up', 'break', 'offline'] as const;
export const PresenceState = z.enum(PRESENCE_STATES);
export type PresenceState = z.infer<typeof PresenceState>;
export const Presence = z.object({
  userId: z.string(),
  state: PresenceState,
  since: Iso,
  /** While wrapping up: when the agent becomes available again on their own. */
  wrapUpUntil: Iso.nullable(),
  /** The call the agent is on or wrapping up (record id). */
  callId: z.string().nullable(),
});
export type Presence = z.infer<typeof Presence>;

export const ResidentUnit = z.object({ id: z.string(), code: z.string(), relation: z.string() });
/** A resident's full record (the server's own reads, and the audited `GET /api/v1/residents/:id`). */
export const Resident = z.object({
  id: z.string(),
  name: z.string(),
  phones: z.array(z.object({ raw: z.string(), e164: z.string().nullable() })),
  units: z.array(ResidentUnit),
  tags: z.array(z.string()),
});
export type Resident = z.infer<typeof Resident>;
/** A resident as search results carry them: phones masked (issue 11 §4). */
export const ResidentSummary = Resident.extend({ phones: z.array(MaskedPhone) });
export type ResidentSummary = z.infer<typeof ResidentSummary>;
