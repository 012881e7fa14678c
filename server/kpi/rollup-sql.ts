/**
 * The KPI report's summable figures read from the daily rollups (migration 0020) instead of a year of facts: the
 * same definitions as ./sql (ticketKpiSql, callKpiSql), computed from per-day sums. Only for periods made of whole
 * site days (day, week, month) and when the rollups' days are at the report's UTC offset (see ./report). Same
 * parameters as ./sql: $1 start, $2 end (instants at site midnight), $3 the site's UTC offset in seconds.
 */
import type { KpiGroup, KpiPeriod } from '../../common/kpi';
import { GROUP_OUT, bucketSql } from './sql';

/** A rollup row's site-local day as the instant it starts. */
const DAY_START = `((r.day::timestamp - make_interval(secs => $3)) AT TIME ZONE 'UTC')`;
const siteDay = (instant: string) => `((${instant}::timestamptz AT TIME ZONE 'UTC') + make_interval(secs => $3))::date`;
const DAYS_IN_RANGE = `r.day >= ${siteDay('$1')} AND r.day < ${siteDay('$2')}`;
const BY_PERIOD_AND_GROUP = 'GROUP BY GROUPING SETS ((b, g), (g))';
const share = (part: string, whole: string) => `sum(${part})::float8 / NULLIF(sum(${whole}), 0)`;

const ticketGroup = (group: KpiGroup) =>
  group === 'team' ? 'r.team_id COLLATE "C"' : group === 'agent' ? 'r.assignee_id' : 'NULL::text';

export function ticketRollupSql(period: KpiPeriod, group: KpiGroup): string {
  return `
    WITH f AS (
      SELECT ${bucketSql(period, DAY_START)} AS b, ${ticketGroup(group)} AS g, r.*
      FROM kpi_daily_tickets r WHERE ${DAYS_IN_RANGE})
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
    WITH c AS (
      SELECT ${bucketSql(period, DAY_START)} AS b, ${callGroup(group)} AS g, r.*
      FROM kpi_daily_calls r ${callJoin(group)} WHERE ${DAYS_IN_RANGE})
    SELECT b, ${GROUP_OUT}, GROUPING(b) AS total,
      sum(inbound)::float8 AS "callsInbound",
      ${share('ended_answered', 'ended')} AS "callAnswerRate",
      ${share('ended_missed', 'ended')} AS "callAbandonRate",
      sum(handle_us)::float8 / 1000000 / NULLIF(sum(handled), 0) AS "avgHandleSec"
    FROM c
    ${BY_PERIOD_AND_GROUP}
    HAVING sum(inbound) > 0`;
}
