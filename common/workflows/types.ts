/** The shape of a workflow definition (DESIGN.md §4 "Workflows are data"). */
import type { Role, TicketStatus, TicketType } from '../domain';

/** Who owns a step. `finance` is the finance team (催缴), not a login role. */
export const RESPONSIBLE = ['agent', 'technician', 'lead', 'finance'] as const;
export type Responsible = (typeof RESPONSIBLE)[number];

/** Minutes, indexed by priority class P0…P4. */
export type ByPriority = readonly [number, number, number, number, number];

/**
 * A step's time limit: the minutes allowed by priority, and the instant they count from — the ticket's creation
 * (respond / on-site / fixed milestones), entering this step, or completion (the follow-up call ≤ 24 h after done).
 * The calendar maths (24/7 vs business time, pauses, weather stretch) belong to common/sla.
 */
export interface TimeLimit {
  milestone: 'respond' | 'onSite' | 'fixed' | 'reply' | 'followUp';
  minutes: ByPriority;
  from: 'created' | 'entered' | 'completed';
}

/** What must be recorded in the status change's outputs to take a transition. */
export const OUTPUT_KEYS = [
  'photos',
  'materials',
  'workNotes',
  'reply',
  'followUp',
  'reason',
  'promiseDate',
  'contact',
  'escalateTo',
] as const;
export type OutputKey = (typeof OUTPUT_KEYS)[number];

export interface Transition {
  to: TicketStatus;
  /** Outputs that must be present and complete. */
  requires: readonly OutputKey[];
  /** Login roles allowed to take it (checked where the role is known for sure, i.e. on the server). */
  roles: readonly Role[];
}

export interface Step {
  status: TicketStatus;
  label: { zh: string; en: string };
  responsible: Responsible | null;
  limit: TimeLimit | null;
  /** The SOP card's "standard" for this step. */
  standard: { zh: string; en: string };
  next: readonly Transition[];
}

export interface Workflow {
  type: TicketType;
  steps: readonly Step[];
}
