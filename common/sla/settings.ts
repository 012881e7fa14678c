/**
 * SLA settings as the server stores and serves them (issue 4 item 2): the admin's SlaSettings (limit overrides,
 * year schedules) and the lead's weather-alert switch, plus the requests that change them. Shared by the server
 * routes, the desk host (which caches the document for offline use) and the contract.
 */
import { z } from 'zod';
import { YearSchedule, provisionalWarning } from './calendar';
import { SlaSettingsSchema, slaPolicy, type SlaPolicy } from './policy';
import type { TicketSlaContext } from './ticket-sla';
import { DEFAULT_SITE_TIME_ZONE } from './timezone';

const Iso = z.string().datetime({ offset: true });

/** GET /api/v1/settings/sla: the stored document; `version` counts changes (0 = never changed). */
export const SlaSettingsDocument = z.object({
  settings: SlaSettingsSchema,
  weatherAlert: z.boolean(),
  version: z.number().int().min(0),
  updatedAt: Iso.nullable(),
});
export type SlaSettingsDocument = z.infer<typeof SlaSettingsDocument>;

export const DEFAULT_SLA_DOCUMENT: SlaSettingsDocument = {
  settings: SlaSettingsSchema.parse({}),
  weatherAlert: false,
  version: 0,
  updatedAt: null,
};

/** The site's time zone a settings document names (issue 9): consoles show every time in it. */
export function siteTimeZone(settings: Pick<SlaSettingsDocument['settings'], 'calendar'>): string {
  return settings.calendar?.timeZone ?? DEFAULT_SITE_TIME_ZONE;
}

/** PUT /api/v1/settings/sla/limits (admin): replaces every limit override. */
export const SetSlaLimitsRequest = z.object({ limits: SlaSettingsSchema.shape.limits }).strict();
/** PUT /api/v1/settings/sla/calendar (admin): the official schedule of one year (replaces that year's). */
export const SetYearScheduleRequest = YearSchedule;
/** PUT /api/v1/settings/sla/weather (lead, admin). */
export const SetWeatherAlertRequest = z.object({ on: z.boolean() }).strict();

/** A year in the coming 12 months whose holidays only the fallback calendar knows. */
export const ProvisionalYear = z.object({ year: z.number().int(), message: z.string() });

/** What the desk's `settings.sla` returns. */
export const SlaSettingsView = SlaSettingsDocument.extend({
  /** Years in the next 12 months without an official (package or admin) schedule: deadlines there are provisional. */
  warnings: z.array(ProvisionalYear),
  /** When the desk last fetched the document from the server (null: never, defaults in use). */
  fetchedAt: Iso.nullable(),
});
export type SlaSettingsView = z.infer<typeof SlaSettingsView>;

/** Years between `now` and 12 months later that only the fallback calendar covers. */
export function provisionalYears(policy: SlaPolicy, now: Date): number[] {
  const offset = policy.calendar.utcOffsetMinutes * 60_000;
  const first = new Date(now.getTime() + offset).getUTCFullYear();
  const last = new Date(now.getTime() + offset + 365 * 86_400_000).getUTCFullYear();
  const years: number[] = [];
  for (let y = first; y <= last; y++) if (policy.calendar.yearSource(y) === 'fallback') years.push(y);
  return years;
}

export function slaWarnings(policy: SlaPolicy, now: Date): z.infer<typeof ProvisionalYear>[] {
  return provisionalYears(policy, now).map((year) => ({ year, message: provisionalWarning(year) }));
}

/** The document with one year's schedule put in (replacing that year's), validated as a whole. */
export function withYearSchedule(doc: SlaSettingsDocument, schedule: YearSchedule): SlaSettingsDocument['settings'] {
  const calendar = doc.settings.calendar;
  const others = (calendar?.yearSchedules ?? []).filter((y) => y.year !== schedule.year);
  const yearSchedules = [...others, schedule].sort((a, b) => a.year - b.year);
  return SlaSettingsSchema.parse({ ...doc.settings, calendar: { ...calendar, yearSchedules } });
}

/**
 * A cache of the policy built from a document: rebuilt only when the document's version changes (building one
 * validates every limit pair). Falls back to the defaults if a stored document no longer validates.
 */
export function createSlaContextCache(): (doc: SlaSettingsDocument) => TicketSlaContext {
  let built: { version: number; updatedAt: string | null; policy: SlaPolicy } | null = null;
  return (doc) => {
    if (!built || built.version !== doc.version || built.updatedAt !== doc.updatedAt) {
      let policy: SlaPolicy;
      try {
        policy = slaPolicy(doc.settings);
      } catch {
        policy = slaPolicy({});
      }
      built = { version: doc.version, updatedAt: doc.updatedAt, policy };
    }
    return { policy: built.policy, weatherAlert: doc.weatherAlert };
  };
}
