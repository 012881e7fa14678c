/**
 * The lawful fee-reminder actions (催缴, DESIGN.md §4; 民法典 第944条): remind by call, message or letter,
 * record a promised payment date, escalate to finance or legal. There is deliberately nothing else — no
 * service of the property (water, power, heating, gas, lift) is ever a lever; tests/unit/fee-lawful.test.ts
 * keeps it that way. Pure.
 */
import type { Ticket } from '../../../../../common/domain';
import { FEE_CONTACT_METHODS, canTransition, isOpen } from '../../../../../common/workflows';

export type FeeContactMethod = (typeof FEE_CONTACT_METHODS)[number];

/** How a reminder is recorded: the workflow step `contacted` when the ticket can take it, else a work-log note. */
export type ReminderRecord = { kind: 'transition'; status: 'contacted' } | { kind: 'comment' };

export interface FeeActionAvailability {
  /** null: nothing left to remind about (paid, closed or cancelled). */
  remind: ReminderRecord | null;
  promise: boolean;
  escalate: boolean;
}

export function feeActionAvailability(ticket: Pick<Ticket, 'type' | 'status'>): FeeActionAvailability {
  if (ticket.type !== 'fee' || !isOpen(ticket.status) || ticket.status === 'paid') {
    return { remind: null, promise: false, escalate: false };
  }
  return {
    remind: canTransition('fee', ticket.status, 'contacted')
      ? { kind: 'transition', status: 'contacted' }
      : { kind: 'comment' },
    promise: canTransition('fee', ticket.status, 'promised'),
    escalate: canTransition('fee', ticket.status, 'escalated'),
  };
}

/** The work log is read in Chinese by every desk, whatever the UI language: the prefix names the method so. */
export const REMINDER_METHOD_ZH: Readonly<Record<FeeContactMethod, string>> = {
  call: '电话',
  message: '短信',
  letter: '书面通知',
};

const PREFIX = /^【催缴提醒·([^】]+)】\s*/;

/** A reminder logged as a note: "【催缴提醒·电话】业主称月底前缴清". */
export function reminderComment(method: FeeContactMethod, note: string): string {
  return `【催缴提醒·${REMINDER_METHOD_ZH[method]}】${note.trim()}`;
}

/** The method and text of a reminder note, or null for any other note. */
export function parseReminderComment(body: string): { method: FeeContactMethod; note: string } | null {
  const match = PREFIX.exec(body);
  if (!match) return null;
  const method = FEE_CONTACT_METHODS.find((m) => REMINDER_METHOD_ZH[m] === match[1]);
  return method ? { method, note: body.slice(match[0].length) } : null;
}
