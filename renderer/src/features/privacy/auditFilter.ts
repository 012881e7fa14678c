/**
 * The audit log screen's filters as the desk method takes them: dates are calendar days in the site's time zone
 * (the day an agent means), turned into the instants that start them; the end date counts whole.
 */
import type { AuditFilter } from '../../../../common/privacy';
import { zoneOffsetMinutes } from '../../../../common/sla/timezone';

export interface AuditFilterForm {
  /** '' = every action. */
  action: string;
  /** '' = everyone; `system` = the system's own acts; else a user id. */
  actor: string;
  /** YYYY-MM-DD or ''. */
  from: string;
  to: string;
}

export const NO_AUDIT_FILTER: AuditFilterForm = { action: '', actor: '', from: '', to: '' };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The instant a calendar day starts in `timeZone` (ISO), or null for anything but a real YYYY-MM-DD. */
export function startOfSiteDay(day: string, timeZone: string): string | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const midnightUtc = Date.UTC(y, mo - 1, d);
  const check = new Date(midnightUtc);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  const offset = zoneOffsetMinutes(timeZone, midnightUtc + 12 * 3_600_000) ?? 0;
  return new Date(midnightUtc - offset * 60_000).toISOString();
}

const nextDay = (day: string): string => {
  const at = new Date(`${day}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + 1);
  return at.toISOString().slice(0, 10);
};

/** The filter to ask for, or `bad_range` when the dates contradict each other. */
export function auditFilterOf(
  form: AuditFilterForm,
  timeZone: string,
  cursor?: string,
): Omit<AuditFilter, 'limit'> | 'bad_range' {
  const since = form.from ? startOfSiteDay(form.from, timeZone) : null;
  const until = form.to && startOfSiteDay(form.to, timeZone) ? startOfSiteDay(nextDay(form.to), timeZone) : null;
  if (since && until && since >= until) return 'bad_range';
  return {
    ...(form.action && { action: form.action }),
    ...(form.actor && { actor: form.actor }),
    ...(since && { since }),
    ...(until && { until }),
    ...(cursor && { cursor }),
  };
}
