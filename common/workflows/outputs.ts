/**
 * What an agent records when leaving a step: the optional `outputs` of `ticket.setStatus`. Every field is
 * optional in the schema (mutations already in outboxes carry none); the workflow table says which ones a
 * transition requires, and the engine enforces exactly those.
 */
import { z } from 'zod';

/** Lawful fee reminders only (民法典 第944条): a call, a message or a letter. */
export const FEE_CONTACT_METHODS = ['call', 'message', 'letter'] as const;
/** Where an unpaid fee goes next: the finance team, or legal proceedings (支付令 / 诉讼). */
export const FEE_ESCALATION_TARGETS = ['finance', 'legal'] as const;

/** The follow-up call (回访). Not reached: the attempt is recorded in the comment, without a score. */
export const FollowUp = z.object({
  reached: z.boolean(),
  satisfaction: z.number().int().min(1).max(5).nullable().default(null),
  comment: z.string().trim().max(2000).default(''),
});
export type FollowUp = z.infer<typeof FollowUp>;

const Line = (max: number) => z.string().trim().max(max);

export const StatusOutputs = z.object({
  /** Attachment references (ids or urls of uploaded photos). */
  photos: z.array(z.string().trim().max(500)).max(20).optional(),
  materials: Line(2000).optional(),
  workNotes: Line(5000).optional(),
  /** The written reply to a complaint. */
  reply: Line(5000).optional(),
  followUp: FollowUp.optional(),
  /** Why the ticket goes on hold / is cancelled / is reopened; the status note counts when this is absent. */
  reason: Line(2000).optional(),
  /** The date the resident promised to pay, YYYY-MM-DD (Asia/Shanghai). */
  promiseDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .refine(
      (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
      {
        message: 'Not a calendar date',
      },
    )
    .optional(),
  /** The reminder that was made (fee). */
  contact: z.enum(FEE_CONTACT_METHODS).optional(),
  escalateTo: z.enum(FEE_ESCALATION_TARGETS).optional(),
});
export type StatusOutputs = z.infer<typeof StatusOutputs>;
