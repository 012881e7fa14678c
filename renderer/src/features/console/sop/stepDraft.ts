/**
 * What the step form holds while the agent types (plain strings, as the inputs give them), and the one check
 * that turns it into a status change's outputs: the same zod schema (StatusOutputs) and the same transition
 * engine (validateTransition) that the desk host and the server run, so the form refuses exactly what they
 * would refuse. Pure.
 */
import type { Role, Ticket, TicketStatus } from '../../../../../common/domain';
import {
  StatusOutputs,
  findTransition,
  validateTransition,
  type OutputKey,
  type TransitionErrorCode,
} from '../../../../../common/workflows';

export interface StepDraft {
  /** Attachment references (ids, URLs or file names), one per line. */
  photos: string;
  materials: string;
  workNotes: string;
  reply: string;
  reason: string;
  /** YYYY-MM-DD, as an <input type="date"> gives it. */
  promiseDate: string;
  /** '' until chosen. */
  contact: string;
  escalateTo: string;
  followUpReached: boolean;
  satisfaction: number | null;
  followUpComment: string;
  /** The status note (the timeline's text); it also counts as the reason where one is required. */
  note: string;
}

export const EMPTY_DRAFT: StepDraft = {
  photos: '',
  materials: '',
  workNotes: '',
  reply: '',
  reason: '',
  promiseDate: '',
  contact: '',
  escalateTo: '',
  followUpReached: true,
  satisfaction: null,
  followUpComment: '',
  note: '',
};

/** Anything typed or chosen: closing the form then asks before the draft is thrown away. */
export function draftTouched(draft: StepDraft): boolean {
  return (Object.keys(EMPTY_DRAFT) as (keyof StepDraft)[]).some((key) => {
    const value = draft[key];
    return typeof value === 'string' ? value.trim() !== '' : value !== EMPTY_DRAFT[key];
  });
}

export function photoLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** The outputs for `keys` only (a transition records exactly what it requires), parsed by the shared schema. */
export function draftOutputs(keys: readonly OutputKey[], draft: StepDraft): ReturnType<typeof StatusOutputs.safeParse> {
  const raw: Record<string, unknown> = {};
  for (const key of keys) {
    switch (key) {
      case 'photos':
        raw.photos = photoLines(draft.photos);
        break;
      case 'materials':
      case 'workNotes':
      case 'reply':
      case 'reason':
        raw[key] = draft[key];
        break;
      // Left out while empty, so an untouched field reads "required" rather than "not a valid value".
      case 'promiseDate':
      case 'contact':
      case 'escalateTo':
        if (draft[key] !== '') raw[key] = draft[key];
        break;
      case 'followUp':
        raw.followUp = {
          reached: draft.followUpReached,
          // Not reached: there is no score to give (the engine refuses one).
          satisfaction: draft.followUpReached ? draft.satisfaction : null,
          comment: draft.followUpComment,
        };
        break;
    }
  }
  return StatusOutputs.safeParse(raw);
}

export type FieldProblem = 'required' | 'invalid';

export type StepFormCheck =
  | {
      ok: true;
      outputs: StatusOutputs;
      note: string;
      /** The change's reason, where the ticket rules require one (cancelling); else undefined. */
      reason: string | undefined;
      /** Where the ticket will land: `reopened` when a follow-up scores ≤ 2. */
      lands: TicketStatus;
      reopens: boolean;
    }
  | {
      ok: false;
      /** Per output: what is wrong with it. */
      fields: Partial<Record<OutputKey, FieldProblem>>;
      /** Why the whole step is refused, when it is not (only) a field. */
      code: TransitionErrorCode | 'invalid_outputs';
      message: { zh: string; en: string } | null;
    };

/**
 * May the form be submitted? `role` is the signed-in user's (the server checks it again for sure; checking here
 * spares the agent a change that would be rejected later, e.g. an agent escalating to legal). `reasonRequired`:
 * the ticket rules (common/ticket-access) want a reason for this change — the form's reason field, then.
 */
export function checkStepForm(
  ticket: Pick<Ticket, 'type' | 'status'>,
  to: TicketStatus,
  draft: StepDraft,
  role?: Role,
  reasonRequired = false,
): StepFormCheck {
  const transition = findTransition(ticket.type, ticket.status, to);
  const note = draft.note.trim();
  const requires = transition?.requires ?? [];
  const parsed = draftOutputs(requires, draft);
  if (!parsed.success) {
    const fields: Partial<Record<OutputKey, FieldProblem>> = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      if (typeof key === 'string' && (requires as readonly string[]).includes(key))
        fields[key as OutputKey] = 'invalid';
    }
    return { ok: false, fields, code: 'invalid_outputs', message: null };
  }
  const result = validateTransition(ticket, to, parsed.data, role, note);
  if (!result.ok) {
    const fields: Partial<Record<OutputKey, FieldProblem>> = {};
    for (const key of result.missing) fields[key] = 'required';
    return { ok: false, fields, code: result.code, message: result.code === 'missing_outputs' ? null : result.message };
  }
  const reason = draft.reason.trim();
  if (reasonRequired && reason === '') {
    return { ok: false, fields: { reason: 'required' }, code: 'missing_outputs', message: null };
  }
  return {
    ok: true,
    outputs: parsed.data,
    note,
    reason: reasonRequired ? reason : undefined,
    lands: result.status,
    reopens: result.reopenedByFollowUp,
  };
}
