/**
 * The KPI report's queries, over kpi_ticket_facts (migration 0016) and calls. Each returns one row per
 * (period, group) and, through GROUPING SETS, one per group over the whole range (`total` = 1): percentiles over
 * the whole range cannot be combined from the periods'. The percentiles have queries of their own, over just the
 * values they sort: an ordered-set aggregate makes PostgreSQL sort every input row by group, wide rows included,
 * where the counts and averages alone are hashed. Parameters: $1 start, $2 end (instants), $3 the site's
 * UTC offset in seconds. Period buckets match common/kpi/periods.ts (the KPI integration test checks both).
 */
import type { KpiGroup, KpiId, KpiPeriod } from '../../common/kpi';

/** 1970-01-05, the first Monday after the epoch, in seconds. */
const FIRST_MONDAY_S = 4 * 86_400;

/** The period's start (epoch seconds) of instant column `col`, in a zone $3 seconds east of UTC. */
export function bucketSql(period: KpiPeriod, col: string): string {
  const local = `(date_part('epoch', ${col}) + $3)`;
  switch (period) {
    case 'shift':
      return `floor(${local} / 28800) * 28800 - $3`;
    case 'day':
      return `floor(${local} / 86400) * 86400 - $3`;
    case 'week':
      return `floor((${local} - ${FIRST_MONDAY_S}) / 604800) * 604800 + ${FIRST_MONDAY_S} - $3`;
    case 'month':
      return `date_part('epoch', date_trunc('month', (${col} AT TIME ZONE 'UTC') + make_interval(secs => $3))) - $3`;
  }
}

/** Whole minutes, rounded down (migrations 0021, 0022): what the rollups' histograms hold, so both give the same. */
const minutesBetween = (from: string, to: string) => `kpi_whole_minutes(${from}, ${to})`;
const ratio = (part: string, whole: string) => `(count(*) FILTER (WHERE ${part}))::float8 / NULLIF(${whole}, 0)`;
const metRate = (col: string) => `${ratio(`${col}`, `count(${col})`)}`;
const BY_PERIOD_AND_GROUP = 'GROUP BY GROUPING SETS ((b, g), (g))';

/** The tickets a report counts: created in [$1, $2), neither cancelled nor deleted. */
const TICKETS_IN_RANGE = `FROM kpi_ticket_facts WHERE created_at >= $1 AND created_at < $2 AND NOT deleted AND status <> 'cancelled'`;
/**
 * Group keys sort as bytes: a uuid, or a team id in the C collation (text in the database's collation sorted a
 * year's rows several times slower). The outer SELECT turns them into text (GROUP_OUT).
 */
const ticketGroup = (group: KpiGroup) =>
  group === 'team' ? 'team_id COLLATE "C"' : group === 'agent' ? 'assignee_id' : 'NULL::text';
export const GROUP_OUT = 'g::text AS g';

/** The KPI columns of the tickets and calls queries, over the facts (here) and the rollups (./rollup-sql) alike. */
export const TICKET_KPIS = [
  'tickets',
  'onTimeRespond',
  'onTimeOnSite',
  'onTimeFix',
  'onTimeReply',
  'onTimeFollowUp',
  'completionRate',
  'reopenRate',
  'satisfactionAvg',
  'followUpRate',
  'firstContactResolution',
] as const satisfies readonly KpiId[];
export const CALL_KPIS = [
  'callsInbound',
  'callAnswerRate',
  'callAbandonRate',
  'avgHandleSec',
] as const satisfies readonly KpiId[];
export type TicketFigures = Record<(typeof TICKET_KPIS)[number], string>;
export type CallFigures = Record<(typeof CALL_KPIS)[number], string>;

/** A select list of KPI columns: each one's SQL expression, named by its id. */
export const kpiColumns = (figures: Readonly<Record<string, string>>) =>
  Object.entries(figures)
    .map(([id, expr]) => `${expr} AS "${id}"`)
    .join(',\n      ');

export function ticketKpiSql(period: KpiPeriod, group: KpiGroup): string {
  const completed = 'completed_at IS NOT NULL';
  const followed = `${completed} AND type IN ('repair', 'complaint')`;
  const figures: TicketFigures = {
    tickets: 'count(*)::float8',
    onTimeRespond: metRate('sla_respond_met'),
    onTimeOnSite: metRate('sla_on_site_met'),
    onTimeFix: metRate('sla_fix_met'),
    onTimeReply: metRate('sla_reply_met'),
    onTimeFollowUp: metRate('sla_follow_up_met'),
    completionRate: ratio(`status = 'closed'`, 'count(*)'),
    reopenRate: ratio(`${completed} AND reopen_count > 0`, `count(*) FILTER (WHERE ${completed})`),
    satisfactionAvg: 'avg(satisfaction)::float8',
    followUpRate: ratio(`${followed} AND followed_up_at IS NOT NULL`, `count(*) FILTER (WHERE ${followed})`),
    firstContactResolution: ratio('first_contact_resolved', 'count(*)'),
  };
  return `
    WITH f AS (
      SELECT ${bucketSql(period, 'created_at')} AS b, ${ticketGroup(group)} AS g, status, type, completed_at,
             reopen_count, satisfaction, followed_up_at, first_contact_resolved, sla_respond_met, sla_on_site_met,
             sla_fix_met, sla_reply_met, sla_follow_up_met
      ${TICKETS_IN_RANGE})
    SELECT b, ${GROUP_OUT}, GROUPING(b) AS total,
      ${kpiColumns(figures)}
    FROM f
    ${BY_PERIOD_AND_GROUP}`;
}

/** The report's percentiles: the KPI each fills, and p. The rollups' histograms give the same (./histograms). */
export type Percentiles = Readonly<Partial<Record<KpiId, number>>>;
/** First response: median and p90. */
export const RESPONSE_PERCENTILES = { firstResponseMedianMin: 0.5, firstResponseP90Min: 0.9 } as const;
/** Callback: the median. */
export const CALLBACK_PERCENTILES = { callbackMedianMin: 0.5 } as const;
export const kpisOf = (percentiles: Percentiles) => Object.keys(percentiles) as KpiId[];

/** Both percentiles from one sort (an array of them), then a column each. */
export function responsePercentileSql(period: KpiPeriod, group: KpiGroup): string {
  const ps = Object.values(RESPONSE_PERCENTILES).join(', ');
  const columns = kpisOf(RESPONSE_PERCENTILES).map((id, i) => `pct[${i + 1}] AS "${id}"`);
  return `
    WITH f AS (
      SELECT ${bucketSql(period, 'created_at')} AS b, ${ticketGroup(group)} AS g,
             ${minutesBetween('created_at', 'first_response_at')} AS response_min
      ${TICKETS_IN_RANGE} AND first_response_at IS NOT NULL)
    SELECT b, g, total, ${columns.join(', ')}
    FROM (
      SELECT b, ${GROUP_OUT}, GROUPING(b) AS total,
        percentile_cont(ARRAY[${ps}]::float8[]) WITHIN GROUP (ORDER BY response_min) AS pct
      FROM f
      ${BY_PERIOD_AND_GROUP}) p`;
}

const callGroup = (group: KpiGroup) =>
  group === 'team' ? 'u.team_id COLLATE "C"' : group === 'agent' ? 'c.agent_id' : 'NULL::text';
const callJoin = (group: KpiGroup) => (group === 'team' ? 'LEFT JOIN users u ON u.id = c.agent_id' : '');
const INBOUND_IN_RANGE = `c.direction = 'inbound' AND c.started_at >= $1 AND c.started_at < $2`;

export function callKpiSql(period: KpiPeriod, group: KpiGroup): string {
  const figures: CallFigures = {
    callsInbound: 'count(*)::float8',
    callAnswerRate: ratio('ended AND answered', 'count(*) FILTER (WHERE ended)'),
    callAbandonRate: ratio('ended AND missed', 'count(*) FILTER (WHERE ended)'),
    avgHandleSec: 'avg(handle_sec)',
  };
  return `
    WITH inbound AS (
      SELECT ${bucketSql(period, 'c.started_at')} AS b, ${callGroup(group)} AS g, c.state = 'ended' AS ended,
             c.missed, c.answered_at IS NOT NULL AS answered,
             date_part('epoch', c.ended_at - c.answered_at) AS handle_sec
      FROM calls c ${callJoin(group)}
      WHERE ${INBOUND_IN_RANGE})
    SELECT b, ${GROUP_OUT}, GROUPING(b) AS total,
      ${kpiColumns(figures)}
    FROM inbound
    ${BY_PERIOD_AND_GROUP}`;
}

/** Missed calls whose callback is done: minutes from the call's end to the callback, median. */
export function callbackPercentileSql(period: KpiPeriod, group: KpiGroup): string {
  const doneAt = `(c.detail #>> '{callback,doneAt}')::timestamptz`;
  return `
    WITH called_back AS (
      SELECT ${bucketSql(period, 'c.started_at')} AS b, ${callGroup(group)} AS g,
             ${minutesBetween('COALESCE(c.ended_at, c.started_at)', doneAt)} AS callback_min
      FROM calls c ${callJoin(group)}
      WHERE ${INBOUND_IN_RANGE} AND c.missed AND c.callback_state = 'done'
        AND c.detail #>> '{callback,doneAt}' IS NOT NULL)
    SELECT b, ${GROUP_OUT}, GROUPING(b) AS total,
      ${Object.entries(CALLBACK_PERCENTILES)
        .map(([id, p]) => `percentile_cont(${p}) WITHIN GROUP (ORDER BY callback_min) AS "${id}"`)
        .join(', ')}
    FROM called_back
    ${BY_PERIOD_AND_GROUP}`;
}
