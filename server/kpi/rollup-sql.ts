/**
 * The KPI report's figures read from the daily rollups instead of a year of facts: the summable ones from per-day
 * sums (migration 0020; ./sql ticketKpiSql, callKpiSql), the percentiles from per-day histograms of whole minutes
 * (migrations 0021, 0023; ./sql responsePercentileSql, callbackPercentileSql), which ./histograms merges exactly as
 * percentile_cont would. Only for periods made of whole site days (day, week, month) and when the rollups' days
 * are at the report's UTC offset (see ./report). Same parameters as ./sql: $1 start, $2 end (instants at site
 * midnight), $3 the site's UTC offset in seconds.
 */
import type { KpiGroup, KpiPeriod } from '../../common/kpi';
import { GROUP_OUT, bucketSql, kpiColumns, type CallFigures, type TicketFigures } from './sql';

const siteDay = (instant: string) => `((${instant}::timestamptz AT TIME ZONE 'UTC') + make_interval(secs => $3))::date`;
const DAYS_IN_RANGE = `r.day >= ${siteDay('$1')} AND r.day < ${siteDay('$2')}`;
/**
 * `days`: each site day of the range and its period's start (b), computed once a day rather than once a rollup row
 * (a year by agent is ~25k rows); rollup rows JOIN it on their day.
 */
const daysCte = (period: KpiPeriod) => `days AS (
      SELECT d::date AS day, ${bucketSql(period, `((d::date::timestamp - make_interval(secs => $3)) AT TIME ZONE 'UTC')`)} AS b
      FROM generate_series(${siteDay('$1')}, ${siteDay('$2')} - 1, interval '1 day') d)`;
const BY_PERIOD_AND_GROUP = 'GROUP BY GROUPING SETS ((b, g), (g))';
const share = (part: string, whole: string) => `sum(${part})::float8 / NULLIF(sum(${whole}), 0)`;

const ticketGroup = (group: KpiGroup) =>
  group === 'team' ? 'r.team_id COLLATE "C"' : group === 'agent' ? 'r.assignee_id' : 'NULL::text';

export function ticketRollupSql(period: KpiPeriod, group: KpiGroup): string {
  const figures: TicketFigures = {
    tickets: 'sum(tickets)::float8',
    onTimeRespond: share('respond_met', 'respond_ended'),
    onTimeOnSite: share('on_site_met', 'on_site_ended'),
    onTimeFix: share('fix_met', 'fix_ended'),
    onTimeReply: share('reply_met', 'reply_ended'),
    onTimeFollowUp: share('follow_up_met', 'follow_up_ended'),
    completionRate: share('closed', 'tickets'),
    reopenRate: share('completed_reopened', 'completed'),
    satisfactionAvg: share('satisfaction_sum', 'satisfaction_n'),
    followUpRate: share('followed_up', 'followable'),
    firstContactResolution: share('first_contact_resolved', 'tickets'),
  };
  return `
    WITH ${daysCte(period)},
    f AS (
      SELECT days.b, ${ticketGroup(group)} AS g, r.*
      FROM kpi_daily_tickets r JOIN days ON days.day = r.day WHERE ${DAYS_IN_RANGE})
    SELECT b, ${GROUP_OUT}, GROUPING(b) AS total,
      ${kpiColumns(figures)}
    FROM f
    ${BY_PERIOD_AND_GROUP}
    HAVING sum(tickets) > 0`;
}

const callGroup = (group: KpiGroup) =>
  group === 'team' ? 'u.team_id COLLATE "C"' : group === 'agent' ? 'r.agent_id' : 'NULL::text';
const callJoin = (group: KpiGroup) => (group === 'team' ? 'LEFT JOIN users u ON u.id = r.agent_id' : '');

export function callRollupSql(period: KpiPeriod, group: KpiGroup): string {
  const figures: CallFigures = {
    callsInbound: 'sum(inbound)::float8',
    callAnswerRate: share('ended_answered', 'ended'),
    callAbandonRate: share('ended_missed', 'ended'),
    avgHandleSec: 'sum(handle_us)::float8 / 1000000 / NULLIF(sum(handled), 0)',
  };
  return `
    WITH ${daysCte(period)},
    c AS (
      SELECT days.b, ${callGroup(group)} AS g, r.*
      FROM kpi_daily_calls r JOIN days ON days.day = r.day ${callJoin(group)} WHERE ${DAYS_IN_RANGE})
    SELECT b, ${GROUP_OUT}, GROUPING(b) AS total,
      ${kpiColumns(figures)}
    FROM c
    ${BY_PERIOD_AND_GROUP}
    HAVING sum(inbound) > 0`;
}

/**
 * The range's daily histograms of whole minutes (`rows`: day, g, minutes, n), one row per group with its ledger rows
 * as parallel arrays (days counted from the range's first), for ./histograms to merge. JSON arrays, which both
 * drivers hand to JSON.parse: as int[] they were decoded in JavaScript, 20–40 ms slower for a year by agent.
 */
function histogramsSql(rows: string): string {
  return `
    SELECT r.g, json_agg(r.day - ${siteDay('$1')}) AS days, json_agg(r.minutes) AS minutes, json_agg(r.n) AS counts
    FROM (${rows}) r
    WHERE ${DAYS_IN_RANGE}
    GROUP BY r.g`;
}

/** First responses per day for the whole desk, per team or per agent (migrations 0021, 0023). */
export function responseHistogramsSql(group: KpiGroup): string {
  return histogramsSql(`SELECT day, group_id AS g, minutes, n FROM kpi_daily_responses WHERE grouped_by = '${group}'`);
}

/** Callbacks per day and the missed call's agent, or that agent's team. */
export function callbackHistogramsSql(group: KpiGroup): string {
  return histogramsSql(
    `SELECT r.day, (${callGroup(group)})::text AS g, r.minutes, r.n FROM kpi_daily_callbacks r ${callJoin(group)}`,
  );
}
