/** Request and response shapes of the central server's REST routes, shared by server and desk host. */
import { z } from 'zod';
import { Category, Channel, Priority, Ticket, TicketEvent, TicketStatus, TicketType, User } from './domain';
import { KeysetCursor, Uuid, line, queryInt, text } from './input';

export const LoginRequest = z.object({
  username: line(64, { trim: true, min: 1 }),
  password: text(256, { min: 1 }),
});
export const LoginResponse = z.object({ token: z.string(), expiresAt: z.string(), user: User });
export type LoginResponse = z.infer<typeof LoginResponse>;

export const TicketListQuery = z.object({
  status: TicketStatus.optional(),
  queue: line(32).optional(),
  assignee: z.union([z.enum(['me', 'none']), Uuid]).optional(),
  q: text(200).optional(),
  limit: queryInt(1, 500).default(50),
  cursor: KeysetCursor.optional(),
});
export type TicketListQuery = z.output<typeof TicketListQuery>;

export const ResidentQuery = z
  .object({ phone: line(32).optional(), q: line(64).optional() })
  .refine((v) => v.phone !== undefined || v.q !== undefined, { message: 'Give phone or q' });

/** Intake from WeChat, the resident app and integrations. */
export const IntakeRequest = z.object({
  type: TicketType,
  category: Category,
  title: text(200, { trim: true, min: 1 }),
  description: text(5000).optional(),
  channel: Channel,
  phone: line(32).optional(),
  unitId: line(64).optional(),
  priority: Priority.optional(),
});
export type IntakeRequest = z.infer<typeof IntakeRequest>;

/**
 * What intake answers a caller that may not read tickets (the lobby kiosk): what a resident at the counter may
 * see — the code to quote and the status — never the name, unit or phone the server linked to the ticket.
 */
export const IntakeReceipt = z.object({
  code: z.string(),
  type: TicketType,
  category: Category,
  status: TicketStatus,
  createdAt: z.string(),
});
export type IntakeReceipt = z.infer<typeof IntakeReceipt>;

/** GET /api/v1/tickets/:id/events: a ticket's whole history (fetched on open when the first pull left it out). */
export const TicketEventsResponse = z.object({ ticketId: Uuid, events: z.array(TicketEvent) });
export type TicketEventsResponse = z.infer<typeof TicketEventsResponse>;

/** GET /api/v1/tickets: a page of the list (newest first) and the cursor of the next, if any. */
export const TicketListResponse = z.object({ items: z.array(Ticket), nextCursor: z.string().nullable() });
export type TicketListResponse = z.infer<typeof TicketListResponse>;

/** GET /api/v1/tickets/:id: the ticket and its whole history. */
export const TicketResponse = z.object({ ticket: Ticket, events: z.array(TicketEvent) });
export type TicketResponse = z.infer<typeof TicketResponse>;

export const ApiError = z.object({ error: z.string(), details: z.unknown().optional() });
export type ApiError = z.infer<typeof ApiError>;

/** A resident's id as a request names it (no control characters: PostgreSQL refuses NUL in text). */
export const ResidentId = z
  .string()
  .trim()
  .min(1)
  .max(64)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'Not a resident id');

/**
 * Which stored phone number (issue 11 §4): a ticket's phone, a call's outside number (the caller of an inbound
 * call, the callee of an outbound one), or one of a resident's phones, named by its masked form as the directory
 * and search results show it. The renderer names numbers this way; it never holds a whole one it did not reveal.
 */
export const PhoneRef = z.discriminatedUnion('subject', [
  z.object({ subject: z.literal('ticket'), id: z.string().uuid() }),
  z.object({ subject: z.literal('call'), id: z.string().uuid() }),
  z.object({
    subject: z.literal('resident'),
    id: ResidentId,
    shown: z.string().trim().min(1).max(64),
  }),
]);
export type PhoneRef = z.infer<typeof PhoneRef>;

/** Why a number is revealed: for the agent to read, or for the softphone to dial. */
export const RevealPurpose = z.enum(['view', 'dial']);
export type RevealPurpose = z.infer<typeof RevealPurpose>;

/** `POST /api/v1/privacy/reveal`: one whole number; every reveal is audited (who, when, what, from where, why). */
export const RevealRequest = z.intersection(
  PhoneRef,
  z.object({
    purpose: RevealPurpose,
    /** The console's sync client id, for the audit row (absent for other clients). */
    clientId: z.string().uuid().optional(),
  }),
);
export type RevealRequest = z.infer<typeof RevealRequest>;
export const RevealResponse = z.object({
  /** As recorded (E.164 for most). */
  number: z.string(),
});
export type RevealResponse = z.infer<typeof RevealResponse>;
