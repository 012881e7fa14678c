/** The KPI report's request and answer (GET /api/v1/kpi, /api/v1/kpi.csv, the desk's kpi.report / kpi.csv). */
import { z } from 'zod';
import { calendarDate } from '../input';
import { KPI_IDS, type KpiId } from './definitions';
import { KPI_PERIODS } from './periods';

export const KPI_GROUPS = ['all', 'team', 'agent'] as const;
export type KpiGroup = (typeof KPI_GROUPS)[number];

/** The longest report: a year by day (366 rows per group) or 31 days by shift (93). */
export const MAX_REPORT_DAYS = { shift: 31, day: 366, week: 371, month: 366 } as const;
const DAY_MS = 86_400_000;

export const KpiQuery = z
  .object({
    period: z.enum(KPI_PERIODS),
    /** Site calendar dates, both included. */
    from: calendarDate(),
    to: calendarDate(),
    group: z.enum(KPI_GROUPS).default('all'),
  })
  .strict()
  .superRefine((q, ctx) => {
    const days = (Date.parse(q.to) - Date.parse(q.from)) / DAY_MS + 1;
    if (days < 1) ctx.addIssue({ code: 'custom', path: ['to'], message: '`to` must not be before `from`' });
    else if (days > MAX_REPORT_DAYS[q.period]) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `a report by ${q.period} covers at most ${MAX_REPORT_DAYS[q.period]} days`,
      });
    }
  });
export type KpiQuery = z.output<typeof KpiQuery>;

export const KpiValues = z.object(
  Object.fromEntries(KPI_IDS.map((id) => [id, z.number().nullable()])) as Record<KpiId, z.ZodNullable<z.ZodNumber>>,
);
export type KpiValues = z.output<typeof KpiValues>;

export const KpiRow = z.object({
  /** Start of the period (ISO); null in the totals over the whole report. */
  periodStart: z.string().nullable(),
  /** The period in site time (2026-11, 2026-11-23, 2026-11-26 08:00); '' in the totals. */
  periodKey: z.string(),
  /** Team id or agent (user) id; null for the whole desk, or for tickets with no team / assignee. */
  groupId: z.string().nullable(),
  groupName: z.string().nullable(),
  values: KpiValues,
});
export type KpiRow = z.output<typeof KpiRow>;

export const KpiReport = z.object({
  query: z.object({
    period: z.enum(KPI_PERIODS),
    from: z.string(),
    to: z.string(),
    group: z.enum(KPI_GROUPS),
  }),
  timeZone: z.string(),
  generatedAt: z.string(),
  rows: z.array(KpiRow),
  totals: z.array(KpiRow),
});
export type KpiReport = z.output<typeof KpiReport>;

/** What the desk hands the renderer to save: the server's CSV as it came. */
export const KpiCsv = z.object({ fileName: z.string(), csv: z.string() });
export type KpiCsv = z.output<typeof KpiCsv>;
