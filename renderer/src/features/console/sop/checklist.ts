/**
 * The SOP card's "still needed to advance": for each step the workflow allows next, the outputs it requires and
 * whether the agent's draft already holds each one. Pure; completeness is judged by the engine's own rule
 * (outputComplete), so a tick here means the same thing as "the transition will accept it".
 */
import type { Ticket, TicketStatus } from '../../../../../common/domain';
import { findStep, outputComplete, type OutputKey } from '../../../../../common/workflows';
import { EMPTY_DRAFT, draftOutputs, type StepDraft } from './stepDraft';

export interface ChecklistItem {
  key: OutputKey;
  done: boolean;
}

export interface NextStepChecklist {
  to: TicketStatus;
  requires: ChecklistItem[];
  /** Every required output is present (or none is required). */
  ready: boolean;
}

export function nextStepChecklist(
  ticket: Pick<Ticket, 'type' | 'status'>,
  draft: StepDraft = EMPTY_DRAFT,
): NextStepChecklist[] {
  const step = findStep(ticket.type, ticket.status);
  if (!step) return [];
  return step.next.map((transition) => {
    const requires = transition.requires.map((key) => ({ key, done: draftHas(key, draft) }));
    return { to: transition.to, requires, ready: requires.every((item) => item.done) };
  });
}

/** One output, judged alone: it must pass the schema and be complete by the engine's rule. */
export function draftHas(key: OutputKey, draft: StepDraft): boolean {
  const parsed = draftOutputs([key], draft);
  return parsed.success && outputComplete(key, parsed.data, draft.note);
}
