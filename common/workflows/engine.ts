/**
 * The one transition engine: the desk host (optimistic) and the server (authoritative) both reach it through
 * applyMutation's `ticket.setStatus`. Pure; reads only the workflow table.
 */
import type { Role, Ticket, TicketStatus, TicketType } from '../domain';
import { FOLLOW_UP_TYPES, LEGAL_ESCALATION_ROLES, REOPEN_SATISFACTION, WORKFLOW_DEFS } from './definitions';
import type { StatusOutputs } from './outputs';
import type { OutputKey, Step, Transition } from './types';

export function findStep(type: TicketType, status: TicketStatus): Step | undefined {
  return WORKFLOW_DEFS[type].steps.find((s) => s.status === status);
}

export function findTransition(type: TicketType, from: TicketStatus, to: TicketStatus): Transition | undefined {
  return findStep(type, from)?.next.find((t) => t.to === to);
}

export function nextStatuses(type: TicketType, from: TicketStatus): readonly TicketStatus[] {
  return findStep(type, from)?.next.map((t) => t.to) ?? [];
}

export function canTransition(type: TicketType, from: TicketStatus, to: TicketStatus): boolean {
  return findTransition(type, from, to) !== undefined;
}

const filled = (s: string | undefined) => s !== undefined && s.trim().length > 0;

/** Whether one required output is present and complete. `note` (the status note) counts as a reason. */
export function outputComplete(key: OutputKey, outputs: StatusOutputs, note = ''): boolean {
  switch (key) {
    case 'photos':
      return (outputs.photos ?? []).some(filled);
    case 'materials':
    case 'workNotes':
    case 'reply':
    case 'promiseDate':
      return filled(outputs[key]);
    case 'reason':
      return filled(outputs.reason) || filled(note);
    case 'contact':
    case 'escalateTo':
      return outputs[key] !== undefined;
    case 'followUp': {
      const f = outputs.followUp;
      if (!f) return false;
      // Reached: a score. Not reached: no score, and what was tried (e.g. "3 calls, no answer").
      return f.reached ? f.satisfaction !== null : f.satisfaction === null && filled(f.comment);
    }
  }
}

export function missingOutputs(requires: readonly OutputKey[], outputs: StatusOutputs, note = ''): OutputKey[] {
  return requires.filter((k) => !outputComplete(k, outputs, note));
}

export type TransitionErrorCode = 'no_change' | 'illegal_transition' | 'forbidden' | 'missing_outputs';

export type TransitionResult =
  | {
      ok: true;
      /** The status the ticket ends in: `reopened` when a follow-up asked to close it with satisfaction ≤ 2. */
      status: TicketStatus;
      reopenedByFollowUp: boolean;
    }
  | {
      ok: false;
      code: TransitionErrorCode;
      message: { zh: string; en: string };
      /** For `missing_outputs`. */
      missing: OutputKey[];
    };

const fail = (code: TransitionErrorCode, zh: string, en: string, missing: OutputKey[] = []): TransitionResult => ({
  ok: false,
  code,
  message: { zh, en },
  missing,
});

/**
 * May `ticket` move to `to` with these outputs, by this actor? `actorRole` is checked only when given (the
 * server knows it for sure; the desk's optimistic copy passes none). Follow-up rule: closing a repair or a
 * complaint whose follow-up reached the resident with satisfaction ≤ 2 is accepted and lands in `reopened`
 * (same team, same assignee) — one mutation, so client and server agree on the outcome.
 */
export function validateTransition(
  ticket: Pick<Ticket, 'type' | 'status'>,
  to: TicketStatus,
  outputs: StatusOutputs = {},
  actorRole?: Role,
  note = '',
): TransitionResult {
  const { type, status: from } = ticket;
  if (from === to) return fail('no_change', `工单已是 ${to}`, `Ticket is already ${to}`);
  const transition = findTransition(type, from, to);
  if (!transition) {
    return fail(
      'illegal_transition',
      `${type} 工单不能从 ${from} 转到 ${to}`,
      `A ${type} ticket cannot go from ${from} to ${to}`,
    );
  }
  if (actorRole !== undefined) {
    if (!transition.roles.includes(actorRole)) {
      return fail('forbidden', `角色 ${actorRole} 不能执行此操作`, `A ${actorRole} may not move a ticket to ${to}`);
    }
    if (outputs.escalateTo === 'legal' && to === 'escalated' && !LEGAL_ESCALATION_ROLES.includes(actorRole)) {
      return fail('forbidden', '转法务须由主管决定', 'Only a lead may escalate to legal');
    }
  }
  const missing = missingOutputs(transition.requires, outputs, note);
  if (missing.length > 0) {
    return fail(
      'missing_outputs',
      `离开此步骤须填写：${missing.join('、')}`,
      `To go from ${from} to ${to}, record: ${missing.join(', ')}`,
      missing,
    );
  }
  const f = outputs.followUp;
  const reopenedByFollowUp =
    to === 'closed' &&
    FOLLOW_UP_TYPES.includes(type) &&
    f !== undefined &&
    f.reached &&
    f.satisfaction !== null &&
    f.satisfaction <= REOPEN_SATISFACTION;
  return { ok: true, status: reopenedByFollowUp ? 'reopened' : to, reopenedByFollowUp };
}
