/**
 * The lobby kiosk's requests and answers (issue 12 §4), shared by the central server's routes, the desk host and
 * the kiosk screen. Answers carry what the flows show and nothing more: no name, unit or phone ever comes back.
 */
import { z } from 'zod';
import { Category, TicketCodeInput, TicketStatus } from '../domain';
import { Uuid, line, text } from '../input';
import { QueueLine } from './lines';

/** The last four digits of a phone on file: what proves, at a shared screen, that the resident is who they say. */
export const PhoneLast4 = z.string().regex(/^\d{4}$/, 'four digits');

export const TakeNumberRequest = z.object({ line: QueueLine });
export const TakenNumber = z.object({
  id: z.string(),
  line: QueueLine,
  label: z.string(),
  /** Residents waiting on this line before this number. */
  ahead: z.number().int().nonnegative(),
  waitMinutes: z.number().int().nonnegative(),
  issuedAt: z.string(),
});
export type TakenNumber = z.infer<typeof TakenNumber>;

/** A counter's name as agents type it ("1", "窗口2"). */
export const Counter = line(16, { trim: true, min: 1 });

export const CallNextRequest = z.object({ line: QueueLine.optional(), counter: Counter });
export const QueueNumberId = z.object({ id: Uuid });

export const CalledNumber = z.object({
  id: z.string(),
  line: QueueLine,
  label: z.string(),
  counter: z.string(),
  calledAt: z.string(),
  /** How many times it was called (a re-call for a resident who did not come). */
  calls: z.number().int().positive(),
});
export type CalledNumber = z.infer<typeof CalledNumber>;

/** The lobby display: what is being called now and what comes next on each line. No personal data at all. */
export const QueueBoard = z.object({
  day: z.string(),
  /** Most recent first. */
  called: z.array(CalledNumber),
  next: z.array(z.object({ line: QueueLine, labels: z.array(z.string()), waiting: z.number().int().nonnegative() })),
});
export type QueueBoard = z.infer<typeof QueueBoard>;

export const KioskRepairRequest = z.object({
  room: line(32, { trim: true, min: 1 }),
  last4: PhoneLast4,
  category: Category,
  description: text(500, { trim: true }).optional(),
});
export type KioskRepairRequest = z.infer<typeof KioskRepairRequest>;

export const KioskRepairReceipt = z.object({ code: z.string(), category: Category, createdAt: z.string() });
export type KioskRepairReceipt = z.infer<typeof KioskRepairReceipt>;

export const KioskStatusRequest = z.object({ code: TicketCodeInput, last4: PhoneLast4 });
export type KioskStatusRequest = z.infer<typeof KioskStatusRequest>;

/** The current step in plain words and its time limit; nothing else of the ticket. */
export const KioskStatusAnswer = z.object({
  code: z.string(),
  status: TicketStatus,
  step: z.object({ zh: z.string(), en: z.string() }),
  /** When the current step is due; null when it has no limit (closed, cancelled) or its clock is paused. */
  dueAt: z.string().nullable(),
  paused: z.boolean(),
});
export type KioskStatusAnswer = z.infer<typeof KioskStatusAnswer>;

/** Error codes of the kiosk routes the screen tells apart (each with its own bilingual message). */
export const KIOSK_ERRORS = {
  /** Room and digits do not name a resident on file, or code and digits do not match: never which part. */
  notMatched: 'kiosk_not_matched',
  /** Too many wrong tries from this kiosk or on this ticket: try again later or ask at the counter. */
  tooManyTries: 'kiosk_too_many_tries',
  /** No number is waiting on the line(s) asked for. */
  queueEmpty: 'queue_empty',
} as const;
