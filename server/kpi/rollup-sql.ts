/**
 * The KPI report's figures read from the daily rollups instead of a year of facts: the summable ones from per-day
 * sums (migration 0020; ./sql ticketKpiSql, callKpiSql), the percentiles from per-day histograms of whole minutes
 * (migration 0021; ./sql responsePercentileSql, callbackPercentileSql) exactly as percentile_cont gives them, but
 * by agent from the facts. Only for periods made of whole site days (day, week, month) and when the rollups' days
 * are at the report's UTC offset (see ./report). Same parameters as ./sql: $1 start, $2 end (instants at site
 * midnight), $3 the site's UTC offset in seconds.
 */
import type { KpiGroup, KpiPeriod } from '../../common/kpi';
import { GROUP_OUT, RESPONSE_PERCENTILES, bucketSql, responsePercentileSql } from './sql';

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
  return `
    WITH ${daysCte(period)},
    f AS (
      SELECT days.b, ${ticketGroup(group)} AS g, r.*
      FROM kpi_daily_tickets r JOIN days ON days.day = r.day WHERE ${DAYS_IN_RANGE})
    SELECT b, ${GROUP_OUT}, GROUPING(b) AS total,
      sum(tickets)::float8 AS "tickets",
      ${share('respond_met', 'respond_ended')} AS "onTimeRespond",
      ${share('on_site_met', 'on_site_ended')} AS "onTimeOnSite",
      ${share('fix_met', 'fix_ended')} AS "onTimeFix",
      ${share('reply_met', 'reply_ended')} AS "onTimeReply",
      ${share('follow_up_met', 'follow_up_ended')} AS "onTimeFollowUp",
      ${share('closed', 'tickets')} AS "completionRate",
      ${share('completed_reopened', 'completed')} AS "reopenRate",
      ${share('satisfaction_sum', 'satisfaction_n')} AS "satisfactionAvg",
      ${share('followed_up', 'followable')} AS "followUpRate",
      ${share('first_contact_resolved', 'tickets')} AS "firstContactResolution"
    FROM f
    ${BY_PERIOD_AND_GROUP}
    HAVING sum(tickets) > 0`;
}

const callGroup = (group: KpiGroup) =>
  group === 'team' ? 'u.team_id COLLATE "C"' : group === 'agent' ? 'r.agent_id' : 'NULL::text';
const callJoin = (group: KpiGroup) => (group === 'team' ? 'LEFT JOIN users u ON u.id = r.agent_id' : '');

export function callRollupSql(period: KpiPeriod, group: KpiGroup): string {
  return `
    WITH ${daysCte(period)},
    c AS (
      SELECT days.b, ${callGroup(group)} AS g, r.*
      FROM kpi_daily_calls r JOIN days ON days.day = r.day ${callJoin(group)} WHERE ${DAYS_IN_RANGE})
    SELECT b, ${GROUP_OUT}, GROUPING(b) AS total,
      sum(inbound)::float8 AS "callsInbound",
      ${share('ended_answered', 'ended')} AS "callAnswerRate",
      ${share('ended_missed', 'ended')} AS "callAbandonRate",
      sum(handle_us)::float8 / 1000000 / NULLIF(sum(handled), 0) AS "avgHandleSec"
    FROM c
    ${BY_PERIOD_AND_GROUP}
    HAVING sum(inbound) > 0`;
}

/**
 * percentile_cont(p) of each (period, group) and each group's whole range, from histogram rows `rows` (b, g,
 * minutes, n): the values at ranks floor and ceil of p·(count − 1), from the merged counts in value order, and
 * PostgreSQL's interpolation between them (float8, lo + (hi − lo) · fraction), so the answer is the same number.
 */
function histogramPercentiles(period: KpiPeriod, rows: string, percentiles: Record<string, number>): string {
  const pick = (p: number, rank: 'floor' | 'ceil') =>
    `min(minutes) FILTER (WHERE upto > ${rank}(${p}::float8 * (cnt - 1)))::float8`;
  const interpolated = Object.entries(percentiles).map(([name, p]) => {
    const lo = pick(p, 'floor');
    const fraction = `(${p}::float8 * (max(cnt) - 1) - floor(${p}::float8 * (max(cnt) - 1)))`;
    return `${lo} + (${pick(p, 'ceil')} - ${lo}) * ${fraction} AS ${name}`;
  });
  return `
    WITH ${daysCte(period)},
    r AS (${rows}),
    merged AS (
      SELECT b, g, GROUPING(b) AS total, minutes, sum(n) AS n FROM r
      GROUP BY GROUPING SETS ((b, g, minutes), (g, minutes))
      HAVING sum(n) > 0),
    ranked AS (
      SELECT b, g, total, minutes,
        (sum(n) OVER (PARTITION BY total, b, g ORDER BY minutes))::float8 AS upto,
        (sum(n) OVER (PARTITION BY total, b, g))::float8 AS cnt
      FROM merged)
    SELECT b, ${GROUP_OUT}, total, ${interpolated.join(', ')}
    FROM ranked
    GROUP BY total, b, g`;
}

/** By agent from the facts: there are no per-agent histograms (migration 0021 says why). */
export function responseRollupSql(period: KpiPeriod, group: KpiGroup): string {
  if (group === 'agent') return responsePercentileSql(period, group);
  const [median, p90] = RESPONSE_PERCENTILES;
  const percentiles = histogramPercentiles(
    period,
    `SELECT days.b, ${group === 'team' ? 'r.team_id COLLATE "C"' : 'NULL::text'} AS g, r.minutes, r.n
     FROM kpi_daily_responses r JOIN days ON days.day = r.day WHERE r.grouped_by = '${group}' AND ${DAYS_IN_RANGE}`,
    { median, p90 },
  );
  return `SELECT b, g, total, ARRAY[median, p90] AS response_pct FROM (${percentiles}) p`;
}

export function callbackRollupSql(period: KpiPeriod, group: KpiGroup): string {
  return histogramPercentiles(
    period,
    `SELECT days.b, ${callGroup(group)} AS g, r.minutes, r.n
     FROM kpi_daily_callbacks r JOIN days ON days.day = r.day ${callJoin(group)} WHERE ${DAYS_IN_RANGE}`,
    { '"callbackMedianMin"': 0.5 },
  );
}
