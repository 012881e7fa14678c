/**
 * The standard operating procedures as data (DESIGN.md §4): per ticket type, each step's labels, owner, time
 * limit by priority, standard, and the allowed next steps with the outputs each one requires.
 * Status ids are the wire values of common/domain.ts STATUSES (cache and server store them).
 *
 * Time limits follow the DESIGN.md §4 SLA defaults; where the design gives none a choice is noted:
 * P0 "respond immediately" is 1 min; P0 has no "fixed" limit, so P1's "controlled ≤ 2 h" is used; P3 on site
 * is its "fixed ≤ 48 h by appointment"; P4 on site/fixed is "done ≤ 7 working days" (7 × 24 h here, the working
 * days are the SLA engine's business). Fee reminders have no SLA in the design: no limit.
 */
import type { Role, TicketStatus, TicketType } from '../domain';
import type { ByPriority, OutputKey, Step, TimeLimit, Transition, Workflow } from './types';

/** Everyone who works tickets; the kiosk only issues queue numbers. */
export const STAFF_ROLES: readonly Role[] = ['agent', 'lead', 'technician', 'admin'];
/** Legal proceedings over unpaid fees are a lead's decision. */
export const LEGAL_ESCALATION_ROLES: readonly Role[] = ['lead', 'admin'];

const all = (m: number): ByPriority => [m, m, m, m, m];
const RESPOND: ByPriority = [1, 15, 30, 120, 4320];
const ON_SITE: ByPriority = [15, 60, 240, 2880, 10080];
const FIXED: ByPriority = [120, 120, 1440, 2880, 10080];
const DAY = 1440;
const WEEK = 7 * DAY;

const limit = (milestone: TimeLimit['milestone'], minutes: ByPriority, from: TimeLimit['from']): TimeLimit => ({
  milestone,
  minutes,
  from,
});
const to = (status: TicketStatus, requires: readonly OutputKey[] = []): Transition => ({
  to: status,
  requires,
  roles: STAFF_ROLES,
});
const hold = to('on_hold', ['reason']);
const cancel = to('cancelled');
const reopen = to('reopened', ['reason']);
const followUpClose = to('closed', ['followUp']);

const closedStep = (zh: string, en: string, next: readonly Transition[]): Step => ({
  status: 'closed',
  label: { zh, en },
  responsible: null,
  limit: null,
  standard: { zh: '已结案，记录只增不改。', en: 'Closed; the record is insert-only.' },
  next,
});
const cancelledStep: Step = {
  status: 'cancelled',
  label: { zh: '已取消', en: 'Cancelled' },
  responsible: null,
  limit: null,
  standard: { zh: '已取消，保留记录。', en: 'Cancelled; the record is kept.' },
  next: [],
};

const repair: Workflow = {
  type: 'repair',
  steps: [
    {
      status: 'new',
      label: { zh: '待受理', en: 'New' },
      responsible: 'agent',
      limit: limit('respond', RESPOND, 'created'),
      standard: {
        zh: '核实房号与联系人，判断紧急程度（困梯、燃气为 P0），受理并告知住户预计到场时间。',
        en: 'Verify unit and contact, classify urgency (trapped in lift, gas = P0), accept and tell the resident when to expect the technician.',
      },
      next: [to('accepted'), cancel],
    },
    {
      status: 'accepted',
      label: { zh: '已受理', en: 'Accepted' },
      responsible: 'agent',
      limit: limit('onSite', ON_SITE, 'created'),
      standard: {
        zh: '按类别派给对应班组，写明故障现象与预约时间。',
        en: 'Dispatch to the team for the category with the symptoms and the appointment time.',
      },
      next: [to('dispatched'), hold, cancel],
    },
    {
      status: 'dispatched',
      label: { zh: '已派单', en: 'Dispatched' },
      responsible: 'technician',
      limit: limit('onSite', ON_SITE, 'created'),
      standard: {
        zh: '技师接单并联系住户确认上门时间。',
        en: 'The technician takes the job and calls the resident to confirm the visit.',
      },
      next: [to('acknowledged'), hold, cancel],
    },
    {
      status: 'acknowledged',
      label: { zh: '已接单', en: 'Acknowledged' },
      responsible: 'technician',
      limit: limit('onSite', ON_SITE, 'created'),
      standard: {
        zh: '按时到场，穿工服、戴工牌，进门前出示工单。',
        en: 'Arrive on time in uniform with the badge; show the work order before entering.',
      },
      next: [to('on_site'), hold],
    },
    {
      status: 'on_site',
      label: { zh: '已到场', en: 'On site' },
      responsible: 'technician',
      limit: limit('fixed', FIXED, 'created'),
      standard: {
        zh: '维修完毕拍照留存，登记所用材料与维修说明，清理现场。',
        en: 'When fixed: take photos, record the materials used and the work notes, clean up.',
      },
      next: [to('done', ['photos', 'materials', 'workNotes']), hold],
    },
    {
      status: 'done',
      label: { zh: '已完工', en: 'Done' },
      responsible: 'agent',
      limit: limit('followUp', all(DAY), 'completed'),
      standard: {
        zh: '请住户验收；不满意则返修。',
        en: 'Ask the resident to confirm the work; rework when they are not satisfied.',
      },
      next: [to('confirmed'), reopen],
    },
    {
      status: 'confirmed',
      label: { zh: '已验收', en: 'Confirmed' },
      responsible: 'agent',
      limit: limit('followUp', all(DAY), 'completed'),
      standard: {
        zh: '完工后 24 小时内回访，记录是否联系上、满意度（1–5）与意见；满意度 ≤ 2 自动返修。',
        en: 'Call back within 24 h of completion: reached or not, satisfaction 1–5, comment; 2 or less reopens it.',
      },
      next: [followUpClose, reopen],
    },
    closedStep('已回访', 'Followed up', [reopen]),
    {
      status: 'on_hold',
      label: { zh: '挂起', en: 'On hold' },
      responsible: 'lead',
      limit: null,
      standard: {
        zh: '写明挂起原因（等配件、住户不在家等），时限暂停；条件满足后恢复。',
        en: 'State the reason (waiting for parts, resident away…); the clock pauses until work resumes.',
      },
      next: [to('accepted'), to('dispatched'), to('acknowledged'), to('on_site'), cancel],
    },
    {
      status: 'reopened',
      label: { zh: '返修', en: 'Rework' },
      responsible: 'lead',
      limit: limit('onSite', ON_SITE, 'entered'),
      standard: {
        zh: '由原班组返修，先阅读回访意见。',
        en: 'The same team redoes the work; read the follow-up comment first.',
      },
      next: [to('dispatched'), hold],
    },
    cancelledStep,
  ],
};

const complaint: Workflow = {
  type: 'complaint',
  steps: [
    {
      status: 'new',
      label: { zh: '待受理', en: 'New' },
      responsible: 'agent',
      limit: limit('respond', all(DAY), 'created'),
      standard: {
        zh: '耐心倾听，复述诉求，24 小时内受理并告知处理时限。',
        en: 'Listen, restate the concern, accept within 24 h and tell the resident the time frame.',
      },
      next: [to('accepted'), cancel],
    },
    {
      status: 'accepted',
      label: { zh: '已受理', en: 'Accepted' },
      responsible: 'lead',
      limit: limit('respond', all(DAY), 'created'),
      standard: { zh: '指定责任人开始调查。', en: 'Name an owner and start the investigation.' },
      next: [to('investigating'), hold],
    },
    {
      status: 'investigating',
      label: { zh: '调查中', en: 'Investigating' },
      responsible: 'lead',
      limit: limit('reply', all(WEEK), 'created'),
      standard: {
        zh: '核实事实，7 日内书面答复住户；超时升级主管。',
        en: 'Establish the facts and reply in writing within 7 days; overdue goes to the lead.',
      },
      next: [to('replied', ['reply']), hold],
    },
    {
      status: 'replied',
      label: { zh: '已答复', en: 'Replied' },
      responsible: 'agent',
      limit: limit('followUp', all(DAY), 'entered'),
      standard: {
        zh: '答复后 24 小时内回访，记录满意度（1–5）；满意度 ≤ 2 自动重开。',
        en: 'Call back within 24 h of the reply and record satisfaction 1–5; 2 or less reopens it.',
      },
      next: [followUpClose, to('investigating')],
    },
    {
      status: 'on_hold',
      label: { zh: '挂起', en: 'On hold' },
      responsible: 'lead',
      limit: null,
      standard: { zh: '写明挂起原因，时限暂停。', en: 'State the reason; the clock pauses.' },
      next: [to('accepted'), to('investigating')],
    },
    closedStep('已回访', 'Followed up', [reopen]),
    {
      status: 'reopened',
      label: { zh: '已重开', en: 'Reopened' },
      responsible: 'lead',
      limit: limit('reply', all(WEEK), 'entered'),
      standard: {
        zh: '重新调查，先阅读回访意见。',
        en: 'Investigate again; read the follow-up comment first.',
      },
      next: [to('investigating')],
    },
    cancelledStep,
  ],
};

const firstContact = (type: TicketType): Workflow => ({
  type,
  steps: [
    {
      status: 'new',
      label: { zh: '待处理', en: 'New' },
      responsible: 'agent',
      limit: limit('respond', RESPOND, 'created'),
      standard: {
        zh: '尽量首次接触即解决并结案（计入首解率）。',
        en: 'Resolve and close at first contact where possible (counts toward FCR).',
      },
      next: [to('closed'), cancel],
    },
    closedStep('已办结', 'Closed', []),
    cancelledStep,
  ],
});

const fee: Workflow = {
  type: 'fee',
  steps: [
    {
      status: 'new',
      label: { zh: '待催缴', en: 'New' },
      responsible: 'agent',
      limit: null,
      standard: {
        zh: '核对欠费明细后提醒：电话、短信或书面通知，并登记方式。',
        en: 'Check the arrears, then remind by call, message or letter, and record which.',
      },
      next: [to('contacted', ['contact']), cancel],
    },
    {
      status: 'contacted',
      label: { zh: '已联系', en: 'Contacted' },
      responsible: 'agent',
      limit: null,
      standard: {
        zh: '记录住户答复；约定缴费日期，或转财务/法务。',
        en: "Record the resident's answer; note a promised date, or escalate to finance or legal.",
      },
      next: [to('promised', ['promiseDate']), to('paid'), to('escalated', ['escalateTo'])],
    },
    {
      status: 'promised',
      label: { zh: '已承诺缴费', en: 'Promised' },
      responsible: 'agent',
      limit: null,
      standard: {
        zh: '到期未缴再次提醒，或转财务/法务。',
        en: 'Remind again when the date passes, or escalate to finance or legal.',
      },
      next: [to('paid'), to('escalated', ['escalateTo']), to('contacted', ['contact'])],
    },
    {
      status: 'paid',
      label: { zh: '已缴费', en: 'Paid' },
      responsible: 'finance',
      limit: null,
      standard: { zh: '财务核实到账后结案。', en: 'Finance confirms the payment, then close.' },
      next: [to('closed')],
    },
    {
      status: 'escalated',
      label: { zh: '已升级', en: 'Escalated' },
      responsible: 'finance',
      limit: null,
      standard: {
        zh: '财务或法务跟进（支付令、诉讼等依法途径）。',
        en: 'Finance or legal follows up through lawful channels (payment order, lawsuit).',
      },
      next: [to('paid'), to('closed', ['reason'])],
    },
    closedStep('已结案', 'Closed', []),
    cancelledStep,
  ],
};

export const WORKFLOW_DEFS: Readonly<Record<TicketType, Workflow>> = {
  repair,
  complaint,
  enquiry: firstContact('enquiry'),
  suggestion: firstContact('suggestion'),
  praise: firstContact('praise'),
  fee,
};

/** Repair and complaint close only through the follow-up call (回访). */
export const FOLLOW_UP_TYPES: readonly TicketType[] = ['repair', 'complaint'];
/** A follow-up satisfaction at or below this reopens the ticket instead of closing it. */
export const REOPEN_SATISFACTION = 2;
