/**
 * The lobby's service lines (DESIGN.md §4 "Queue number"): a resident takes a number on one line (A001 repairs,
 * B001 payments, C001 enquiries); numbers restart at 1 every day in the site's time zone.
 */
import { z } from 'zod';

export const QUEUE_LINES = ['A', 'B', 'C'] as const;
export const QueueLine = z.enum(QUEUE_LINES);
export type QueueLine = z.infer<typeof QueueLine>;

/** What each line serves, and how long one resident takes at the counter before any number of the day was called. */
export const LINE_INFO: Readonly<Record<QueueLine, { zh: string; en: string; fallbackServiceMinutes: number }>> = {
  A: { zh: '报修', en: 'Repairs', fallbackServiceMinutes: 6 },
  B: { zh: '缴费', en: 'Payments', fallbackServiceMinutes: 3 },
  C: { zh: '咨询', en: 'Enquiries', fallbackServiceMinutes: 4 },
};

/** "A007": the line and the day's sequence, three digits (a busy lobby stays below 1000 a line a day). */
export function queueLabel(line: QueueLine, seq: number): string {
  return `${line}${String(seq).padStart(3, '0')}`;
}

/** The calendar day (YYYY-MM-DD) of `at` in `timeZone`: the day a queue number belongs to. */
export function queueDay(at: Date, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
