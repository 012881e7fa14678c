/**
 * Which step form is open, and the agent's unsent drafts per ticket. Module state (not React context) so any
 * code — the `s` step menu, the SOP card, the fee panel, the action registry — can open the form with
 * `openStepForm(ticketId, status)`; the one <StepFormHost> mounted by the console layout shows it.
 * The drafts let the SOP card tick what is already recorded, and survive closing the form by mistake.
 */
import { useSyncExternalStore } from 'react';
import { z } from 'zod';
import { TicketStatus } from '../../../../../common/domain';
import { EMPTY_DRAFT, type StepDraft } from './stepDraft';

export const StepFormRequest = z.object({ ticketId: z.string().uuid(), status: TicketStatus });
export type StepFormRequest = z.infer<typeof StepFormRequest>;

let request: StepFormRequest | null = null;
const drafts = new Map<string, StepDraft>();
const listeners = new Set<() => void>();

function emit(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Opens the form that records what `status` requires, then moves the ticket there. Throws on a bad id/status. */
export function openStepForm(ticketId: string, status: TicketStatus): void {
  openStepFormRequest({ ticketId, status });
}

/** The `ticket.stepForm` action's entry: its argument comes untyped from the registry. */
export function openStepFormRequest(arg: unknown): void {
  const parsed = StepFormRequest.safeParse(arg);
  if (!parsed.success) {
    throw new Error(`ticket.stepForm expects {ticketId: uuid, status}: ${parsed.error.issues[0]?.message ?? ''}`);
  }
  request = parsed.data;
  emit();
}

export function closeStepForm(): void {
  request = null;
  emit();
}

export function useStepFormRequest(): StepFormRequest | null {
  return useSyncExternalStore(subscribe, () => request);
}

export function useStepDraft(ticketId: string): StepDraft {
  return useSyncExternalStore(subscribe, () => drafts.get(ticketId) ?? EMPTY_DRAFT);
}

export function setStepDraft(ticketId: string, draft: StepDraft): void {
  drafts.set(ticketId, draft);
  emit();
}

/** After a successful submit: what was recorded now lives in the ticket's timeline. */
export function clearStepDraft(ticketId: string): void {
  if (drafts.delete(ticketId)) emit();
}
