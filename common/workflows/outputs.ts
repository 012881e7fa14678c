/**
 * What an agent records when leaving a step: the optional `outputs` of `ticket.setStatus`. Every field is
 * optional in the schema (mutations already in outboxes carry none); the workflow table says which ones a
 * transition requires, and the engine enforces exactly those.
 */
import { z } from 'zod';
import { calendarDate, line, text } from '../input';

/** Lawful fee reminders only (民法典 第944条): a call, a message or a letter. */
export const FEE_CONTACT_METHODS = ['call', 'message', 'letter'] as const;
/** Where an unpaid fee goes next: the finance team, or legal proceedings (支付令 / 诉讼). */
export const FEE_ESCALATION_TARGETS = ['finance', 'legal'] as const;

/** The follow-up call (回访). Not reached: the attempt is recorded in the comment, without a score. */
export const FollowUp = z.object({
  reached: z.boolean(),
  satisfaction: z.number().int().min(1).max(5).nullable().default(null),
  comment: text(2000, { trim: true }).default(''),
});
export type FollowUp = z.infer<typeof FollowUp>;

const Note = (max: number) => text(max, { trim: true });

export const StatusOutputs = z.object({
  /** Attachment references (ids or urls of uploaded photos). */
  photos: z
    .array(line(500, { trim: true }))
    .max(20)
    .optional(),
  materials: Note(2000).optional(),
  workNotes: Note(5000).optional(),
  /** The written reply to a complaint. */
  reply: Note(5000).optional(),
  followUp: FollowUp.optional(),
  /** Why the ticket goes on hold / is cancelled / is reopened; the status note counts when this is absent. */
  reason: Note(2000).optional(),
  /** The date the resident promised to pay, YYYY-MM-DD (Asia/Shanghai). */
  promiseDate: calendarDate().optional(),
  /** The reminder that was made (fee). */
  contact: z.enum(FEE_CONTACT_METHODS).optional(),
  escalateTo: z.enum(FEE_ESCALATION_TARGETS).optional(),
});
export type StatusOutputs = z.infer<typeof StatusOutputs>;
