/**
 * The lead board's words (issue 12 item 1), zh-CN and English side by side, in their own i18next namespace `lead`
 * (index.ts registers it), so the board never adds keys to the console's big resource files.
 */
import type { i18n as I18n } from 'i18next';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

export const LEAD_TEXT = {
  title: { zh: '组长看板', en: 'Lead board' },
  close: { zh: '关闭看板', en: 'Close the board' },
  updatedAt: { zh: '更新于 {{time}}', en: 'Updated {{time}}' },
  loading: { zh: '正在读取看板…', en: 'Loading the board…' },
  forbidden: { zh: '组长看板仅限值班主管和管理员', en: 'The lead board is for leads and admins' },
  queuesTitle: { zh: '队列', en: 'Queues' },
  queueCol: { zh: '队列', en: 'Queue' },
  openCol: { zh: '未结', en: 'Open' },
  unassignedCol: { zh: '未分配', en: 'Unassigned' },
  atRiskCol: { zh: '即将超时', en: 'At risk' },
  breachedCol: { zh: '已超时', en: 'Breached' },
  actionsCol: { zh: '操作', en: 'Actions' },
  noTeam: { zh: '未分组', en: 'No team' },
  moveQueue: { zh: '整队列转派…', en: 'Move whole queue…' },
  moveQueueLabel: { zh: '整队列转派：{{queue}}', en: 'Move the whole {{queue}} queue' },
  agentsTitle: { zh: '坐席', en: 'Agents' },
  agentsHint: {
    zh: '把工单拖到坐席卡片上即可转派；键盘：在工单上按空格拿起，方向键选择坐席，再按空格放下，Esc 取消。',
    en: 'Drag a ticket onto an agent to reassign it; by keyboard: Space on a ticket picks it up, arrow keys choose the agent, Space drops it, Esc cancels.',
  },
  load: { zh: '负载 {{load}}/{{capacity}}', en: 'Load {{load}}/{{capacity}}' },
  handledToday: { zh: '今日办结 {{count}}', en: 'Handled today {{count}}' },
  skills: { zh: '技能：{{skills}}', en: 'Skills: {{skills}}' },
  noSkills: { zh: '未设技能', en: 'No skills set' },
  onCall: { zh: '通话中：{{from}}（{{time}}）', en: 'On a call: {{from}} ({{time}})' },
  wrapUpLeft: { zh: '话后处理剩余 {{time}}', en: 'Wrap-up: {{time}} left' },
  presence_available: { zh: '空闲', en: 'Available' },
  presence_on_call: { zh: '通话中', en: 'On a call' },
  presence_wrap_up: { zh: '话后处理', en: 'Wrap-up' },
  presence_break: { zh: '小休', en: 'Break' },
  presence_offline: { zh: '离线', en: 'Offline' },
  load_free: { zh: '有余量', en: 'Has room' },
  load_busy: { zh: '较忙', en: 'Busy' },
  load_full: { zh: '已满', en: 'Full' },
  load_over: { zh: '超负荷', en: 'Over capacity' },
  riskTitle: { zh: 'SLA 风险工单（剩余时间从少到多）', en: 'SLA risk (least time left first)' },
  riskEmpty: { zh: '没有即将超时或已超时的工单', en: 'No ticket is at risk or breached' },
  risk_at_risk: { zh: '即将超时', en: 'At risk' },
  risk_breached: { zh: '已超时', en: 'Breached' },
  timeLeft: { zh: '剩余 {{time}}', en: '{{time}} left' },
  timeOver: { zh: '已超 {{time}}', en: '{{time}} over' },
  unassigned: { zh: '未分配', en: 'Unassigned' },
  owner: { zh: '负责人：{{name}}', en: 'Owner: {{name}}' },
  selected: { zh: '已选中', en: 'Selected' },
  selectRow: { zh: '选中 {{code}}', en: 'Select {{code}}' },
  selectionCount: { zh: '已选 {{count}} 张', en: '{{count}} selected' },
  moveSelection: { zh: '转派所选…', en: 'Move selected…' },
  keysHint: {
    zh: 'j/k 移动，x 选中，a 转派，q 整队列转派，z 撤销上一次转派，? 查看全部快捷键',
    en: 'j/k move, x select, a reassign, q move the whole queue, z undo the last move, ? all keys',
  },
  moveTitle: { zh: '转派 {{what}}', en: 'Reassign {{what}}' },
  ticketsCount: { zh: '{{count}} 张工单', en: '{{count}} tickets' },
  queueWhat: { zh: '{{queue}} 队列的全部未结工单', en: 'every open ticket of the {{queue}} queue' },
  agentLabel: { zh: '转派给', en: 'Reassign to' },
  chooseAgent: { zh: '请选择坐席', en: 'Choose an agent' },
  toUnassigned: { zh: '退回队列（不指派）', en: 'Back to the queue (unassigned)' },
  reasonLabel: { zh: '原因', en: 'Reason' },
  reasonHint: {
    zh: '批量、整队列和改派他人的工单都须填写原因；原因会记入工单记录和审计日志。',
    en: "Moving several tickets, a queue or someone else's ticket needs a reason; it goes into the ticket's record and the audit log.",
  },
  reasonMissing: { zh: '请填写原因', en: 'Please give a reason' },
  agentMissing: { zh: '请选择坐席', en: 'Please choose an agent' },
  confirm: { zh: '转派', en: 'Reassign' },
  cancel: { zh: '取消', en: 'Cancel' },
  moved: {
    zh: '已转派 {{count}} 张工单给 {{name}}，按 z 撤销',
    en: 'Moved {{count}} ticket(s) to {{name}}; z undoes it',
  },
  refused: { zh: '{{count}} 张未能转派：{{reason}}', en: '{{count}} not moved: {{reason}}' },
  nothingMoved: { zh: '没有需要转派的工单', en: 'Nothing to move' },
  undone: { zh: '已撤销上一次转派', en: 'The last move was undone' },
  nothingToUndo: { zh: '没有可撤销的转派', en: 'No move to undo' },
  undoReason: { zh: '撤销：{{reason}}', en: 'Undo: {{reason}}' },
  undoPlain: { zh: '撤销上一次转派', en: 'Undo of the last move' },
  noticeReceived: { zh: '工单 {{code}} 已由 {{by}} 转派给您', en: 'Ticket {{code}} was reassigned to you by {{by}}' },
  noticeLost: {
    zh: '工单 {{code}} 已由 {{by}} 转派给他人',
    en: 'Ticket {{code}} was reassigned away from you by {{by}}',
  },
  noticeManyReceived: {
    zh: '{{count}} 张工单已由 {{by}} 转派给您',
    en: '{{count}} tickets were reassigned to you by {{by}}',
  },
  noticeManyLost: {
    zh: '您的 {{count}} 张工单已由 {{by}} 转派给他人',
    en: '{{count}} of your tickets were reassigned away by {{by}}',
  },
  noticeReason: { zh: '原因：{{reason}}', en: 'Reason: {{reason}}' },
  someone: { zh: '组长', en: 'a lead' },
  newTicket: { zh: '（新工单）', en: '(new ticket)' },
  assignmentSlot: { zh: '自动分配与升级', en: 'Auto-assignment and escalation' },
} as const;

export type LeadKey = keyof typeof LEAD_TEXT;
const NAMESPACE = 'lead';

const bundle = (language: 'zh' | 'en') =>
  Object.fromEntries(Object.entries(LEAD_TEXT).map(([key, text]) => [key, text[language]]));

/** Adds the `lead` namespace to i18next in both languages. */
export function registerLeadText(i18n: I18n): void {
  i18n.addResourceBundle('zh-CN', NAMESPACE, bundle('zh'));
  i18n.addResourceBundle('en', NAMESPACE, bundle('en'));
}

type Translate = (key: string, values?: object) => string;
export type LeadT = (key: LeadKey, values?: Record<string, string | number>) => string;

/** The lead board's `t` in `language`, from an i18next instance that has the namespace (registerLeadText). */
export function leadTextOf(i18n: I18n, language: string): LeadT {
  // The console's typed resources do not list this namespace (on purpose: see above); LeadKey types its keys.
  const getFixedT = i18n.getFixedT.bind(i18n) as unknown as (lng: string, ns: string) => Translate;
  const fixed = getFixedT(language, NAMESPACE);
  return (key, values) => fixed(key, values);
}

/** The lead board's `t`, typed by this file's keys, re-made when the language changes. */
export function useLeadText(): LeadT {
  const { i18n } = useTranslation();
  const language = i18n.language;
  return useMemo(() => leadTextOf(i18n, language), [i18n, language]);
}
