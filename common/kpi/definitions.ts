/**
 * The KPI dashboard's metrics (issue 12 item 3), each defined once: the server computes exactly this (server/kpi),
 * the dashboard shows the name and, on hover and on keyboard focus, the definition; the CSV uses the ids.
 *
 * Ticket metrics follow a cohort: a ticket counts in the period (and team / agent) it was created in, with what has
 * happened to it since. Cancelled and deleted tickets count in no ticket metric. Call metrics count inbound calls
 * by the period they started in.
 */

export const KPI_IDS = [
  'tickets',
  'firstResponseMedianMin',
  'firstResponseP90Min',
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
  'callsInbound',
  'callAnswerRate',
  'callAbandonRate',
  'avgHandleSec',
  'callbackMedianMin',
] as const;
export type KpiId = (typeof KPI_IDS)[number];

/** count: a number of things; ratio: 0–1, shown as a percentage; min / sec: a duration; score: 1–5. */
export type KpiUnit = 'count' | 'ratio' | 'min' | 'sec' | 'score';

export interface KpiDefinition {
  id: KpiId;
  unit: KpiUnit;
  nameZh: string;
  nameEn: string;
  /** The definition shown on hover and focus: what is counted, over what. */
  definitionZh: string;
  definitionEn: string;
}

const d = (
  id: KpiId,
  unit: KpiUnit,
  nameZh: string,
  nameEn: string,
  definitionZh: string,
  definitionEn: string,
): KpiDefinition => ({ id, unit, nameZh, nameEn, definitionZh, definitionEn });

const onTime = (id: KpiId, clockZh: string, clockEn: string): KpiDefinition =>
  d(
    id,
    'ratio',
    `${clockZh}按时率`,
    `On time: ${clockEn}`,
    `本期创建的工单中，“${clockZh}”时限已结束的：在时限内完成的比例（挂起时间不计；时限在服务器记录步骤变化时判定，迁移前的历史无此记录）。`,
    `Of the period's tickets whose "${clockEn}" clock has ended: the share that ended within its limit (time on hold excluded; judged by the server when the step changed, so history from before this was recorded has none).`,
  );

export const KPI_DEFINITIONS: readonly KpiDefinition[] = [
  d(
    'tickets',
    'count',
    '工单量',
    'Tickets',
    '本期创建的工单数（已取消、已删除的不计）。',
    'Tickets created in the period (cancelled and deleted ones excluded).',
  ),
  d(
    'firstResponseMedianMin',
    'min',
    '首次响应时长（中位数）',
    'First response (median)',
    '从创建到工单第一次离开“待受理”的整分钟数（不足一分钟的舍去），本期已响应工单的中位数。',
    'Whole minutes (rounded down) from creation until the ticket first leaves "new": the median over the period\'s tickets that have been responded to.',
  ),
  d(
    'firstResponseP90Min',
    'min',
    '首次响应时长（P90）',
    'First response (p90)',
    '同上，第 90 百分位：九成工单在此时间内得到响应。',
    'As above, the 90th percentile: nine in ten tickets were responded to within it.',
  ),
  onTime('onTimeRespond', '响应', 'respond'),
  onTime('onTimeOnSite', '到场', 'on site'),
  onTime('onTimeFix', '修复', 'fixed'),
  onTime('onTimeReply', '书面答复', 'written reply'),
  onTime('onTimeFollowUp', '回访', 'follow-up'),
  d(
    'completionRate',
    'ratio',
    '办结率',
    'Completion rate (办结率)',
    '本期创建的工单中，目前状态为“已办结/已回访”（closed）的比例。',
    "Of the period's tickets: the share whose status is now closed.",
  ),
  d(
    'reopenRate',
    'ratio',
    '返修率',
    'Reopen rate (返修)',
    '本期创建且已完工（报修已完工、投诉已答复或已办结）的工单中，至少被返修（reopened）一次的比例。',
    "Of the period's tickets that reached completion (repair done, complaint replied, or closed): the share reopened at least once.",
  ),
  d(
    'satisfactionAvg',
    'score',
    '满意度',
    'Satisfaction',
    '回访时住户给出的满意度评分（1–5 分）的平均值；每张工单取最后一次评分。',
    "The mean of residents' satisfaction scores (1–5) given at follow-up; a ticket's last score counts.",
  ),
  d(
    'followUpRate',
    'ratio',
    '回访率',
    'Follow-up rate (回访率)',
    '本期创建且已完工的报修与投诉工单中，回访时联系上住户的比例。',
    "Of the period's repair and complaint tickets that reached completion: the share whose follow-up call reached the resident.",
  ),
  d(
    'firstContactResolution',
    'ratio',
    '首次解决率',
    'First-contact resolution',
    '本期工单中，第一次状态变化就从“待受理”直接办结、且从未返修的比例。',
    'Of the period\'s tickets: the share whose first status change went straight from "new" to closed and that were never reopened.',
  ),
  d(
    'callsInbound',
    'count',
    '来电量',
    'Inbound calls',
    '本期开始的呼入电话数（含未接）。',
    'Inbound calls that started in the period (missed ones included).',
  ),
  d(
    'callAnswerRate',
    'ratio',
    '接通率',
    'Answer rate',
    '本期已结束的呼入电话中被坐席接听的比例。',
    "Of the period's ended inbound calls: the share an agent answered.",
  ),
  d(
    'callAbandonRate',
    'ratio',
    '放弃率',
    'Abandon rate',
    '本期已结束的呼入电话中未接（来电方挂断或无人接听）的比例。',
    "Of the period's ended inbound calls: the share missed (the caller hung up or nobody answered).",
  ),
  d(
    'avgHandleSec',
    'sec',
    '平均处理时长',
    'Average handle time',
    '已接听呼入电话从接听到挂断的平均秒数（通话与保持；话后整理未单独记录，不含）。',
    'Mean seconds from answer to hang-up of answered inbound calls (talk and hold; after-call work is not recorded separately and is left out).',
  ),
  d(
    'callbackMedianMin',
    'min',
    '未接回拨时长（中位数）',
    'Missed-call callback (median)',
    '本期未接来电从挂断到回拨完成的整分钟数（不足一分钟的舍去）的中位数（只计已完成回拨的）。',
    "Whole minutes (rounded down) from a missed call's end until its callback was done: the median over missed calls whose callback is done.",
  ),
];

export const KPI_BY_ID: Readonly<Record<KpiId, KpiDefinition>> = Object.fromEntries(
  KPI_DEFINITIONS.map((k) => [k.id, k]),
) as Record<KpiId, KpiDefinition>;
