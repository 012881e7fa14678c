/**
 * THE binding table (DESIGN.md §7): every keyboard binding of the agent console, as data. The global key
 * handler, the note box, the `?` help overlay and the Ctrl+K palette are all generated from it, so a key
 * cannot exist without being listed, and a listed key cannot do something else.
 *
 * - `keys`: one or more alternative sequences; steps are space separated (`g u` = g, then u).
 * - `scope`: where the binding is live. `console` = the main screen (handled by the global listener);
 *   `note` = inside the note box; `dialog` = inside any overlay, palette or picker (their native keys,
 *   listed here so the help overlay tells the whole story).
 * - `action` (+ optional `arg`): the id run through the action registry.
 * - `inText`: also fires while a text field has focus (only modified keys such as Ctrl+K may).
 * - `inDialog`: also fires while focus is inside a dialog, menu or form (search, intake, note, step form, pickers):
 *   only Ctrl+K, the way to every action from wherever the agent is.
 * - `global`: a call key (DESIGN.md §7, issue 10): fires everywhere — in text fields, dialogs and forms too — so
 *   a ringing phone is answered whatever the agent is typing. Only function keys the browser and the desktop
 *   leave alone (see RESERVED_STEPS, checked by the tests).
 */
import { VIEW_IDS } from '../../../../../common/contract';
import { parseSequence, parseStep } from './keys';

/**
 * `pop`: while focus is in the incoming-call pop; `wrapup`: in the after-call (wrap-up) form; `lead`: on the lead
 * board (issue 12), outside its text fields.
 */
export type Scope = 'console' | 'note' | 'dialog' | 'pop' | 'wrapup' | 'lead';
export type Group =
  'move' | 'ticket' | 'select' | 'go' | 'phone' | 'general' | 'pop' | 'note' | 'wrapup' | 'dialog' | 'lead';
export const GROUP_ORDER: readonly Group[] = [
  'move',
  'ticket',
  'select',
  'go',
  'phone',
  'general',
  'pop',
  'note',
  'wrapup',
  'dialog',
  'lead',
];
/** Groups titled here rather than in the console's resource files (a feature's own group, in both languages). */
export const GROUP_TITLES: Partial<Record<Group, Text>> = {
  lead: { zh: '组长看板内', en: 'On the lead board' },
};

export interface Text {
  zh: string;
  en: string;
}

export interface Binding {
  keys: readonly string[];
  scope: Scope;
  group: Group;
  action: string;
  arg?: string | number;
  label: Text;
  inText?: boolean;
  /** Also fires inside dialogs (see above); needs `inText` too, as dialogs are mostly fields. */
  inDialog?: boolean;
  /** Shown in the command palette (console actions that make sense without a key press in progress). */
  palette?: boolean;
  /** A call key: fires everywhere, text fields and dialogs included (see above). */
  global?: boolean;
}

/**
 * Keys that Chromium, Electron's menu or a desktop (Windows, GNOME, KDE) act on, written canonically: no binding
 * may use them. Beyond this list, Alt+F… moves and resizes windows and Ctrl+F… switches desktops or closes tabs,
 * so function keys are bound bare or with Shift only.
 */
export const RESERVED_STEPS: readonly string[] = [
  'F1', // help
  'F3', // find next
  'Shift+F3',
  'F5', // reload
  'Shift+F5',
  'F6', // address bar, pane cycling
  'Shift+F6',
  'F7', // caret browsing
  'F10', // the menu bar
  'Shift+F10', // context menu
  'F11', // full screen
  'F12', // developer tools
  'Ctrl+w',
  'Ctrl+Shift+w',
  'Ctrl+t',
  'Ctrl+Shift+t',
  'Ctrl+n',
  'Ctrl+Shift+n',
  'Ctrl+r',
  'Ctrl+Shift+r',
  'Ctrl+q',
  'Ctrl+l',
  'Ctrl+f',
  'Ctrl+p',
  'Ctrl+Tab',
  'Ctrl+Shift+Tab',
  'Ctrl+Shift+i',
  'Ctrl+Shift+j',
].map((step) => parseStep(step));

/** The views reached by `g` + key; `overdue` may not exist yet in VIEW_IDS (guarded where it runs). */
export const GO_VIEWS = [
  { key: 'i', view: 'inbox', name: { zh: '待处理', en: 'Inbox' } },
  { key: 'u', view: 'unassigned', name: { zh: '未分配', en: 'Unassigned' } },
  { key: 'm', view: 'mine', name: { zh: '我的', en: 'Mine' } },
  { key: 'o', view: 'overdue', name: { zh: '已超时', en: 'Overdue' } },
] as const;

const PRIORITY_NAMES: readonly Text[] = [
  { zh: '生命安全', en: 'life safety' },
  { zh: '紧急', en: 'emergency' },
  { zh: '加急', en: 'urgent' },
  { zh: '常规', en: 'routine' },
  { zh: '重大工程', en: 'major works' },
];

export const BINDINGS: readonly Binding[] = [
  // Moving through the list and opening tickets.
  {
    keys: ['j', 'ArrowDown'],
    scope: 'console',
    group: 'move',
    action: 'list.next',
    label: { zh: '下一条工单', en: 'Next ticket' },
  },
  {
    keys: ['k', 'ArrowUp'],
    scope: 'console',
    group: 'move',
    action: 'list.prev',
    label: { zh: '上一条工单', en: 'Previous ticket' },
  },
  {
    keys: ['Home'],
    scope: 'console',
    group: 'move',
    action: 'list.first',
    label: { zh: '第一条', en: 'First ticket' },
  },
  { keys: ['End'], scope: 'console', group: 'move', action: 'list.last', label: { zh: '最后一条', en: 'Last ticket' } },
  {
    keys: ['PageDown'],
    scope: 'console',
    group: 'move',
    action: 'list.pageDown',
    label: { zh: '向下翻一屏', en: 'One screen down' },
  },
  {
    keys: ['PageUp'],
    scope: 'console',
    group: 'move',
    action: 'list.pageUp',
    label: { zh: '向上翻一屏', en: 'One screen up' },
  },
  {
    keys: ['Enter', 'o'],
    scope: 'console',
    group: 'move',
    action: 'list.open',
    label: { zh: '打开工单', en: 'Open ticket' },
  },
  {
    keys: ['Escape'],
    scope: 'console',
    group: 'move',
    action: 'console.back',
    label: {
      zh: '返回：清除选择，关闭详情回到列表',
      en: 'Back: clear selection, close the ticket, return to the list',
    },
  },

  // Acting on the ticket under the cursor (or on every selected ticket).
  {
    keys: ['a'],
    scope: 'console',
    group: 'ticket',
    action: 'ticket.assign',
    label: { zh: '指派给…', en: 'Assign to…' },
    palette: true,
  },
  {
    keys: ['Shift+A'],
    scope: 'console',
    group: 'ticket',
    action: 'ticket.assignToMe',
    label: { zh: '指派给我', en: 'Assign to me' },
    palette: true,
  },
  ...PRIORITY_NAMES.map((name, priority): Binding => ({
    keys: [`p ${priority}`],
    scope: 'console',
    group: 'ticket',
    action: 'ticket.priority',
    arg: priority,
    label: { zh: `优先级设为 P${priority} ${name.zh}`, en: `Set priority P${priority} (${name.en})` },
    palette: true,
  })),
  {
    keys: ['s'],
    scope: 'console',
    group: 'ticket',
    action: 'ticket.step',
    label: { zh: '推进到下一步…', en: 'Advance to a next step…' },
    palette: true,
  },
  {
    keys: ['c'],
    scope: 'console',
    group: 'ticket',
    action: 'ticket.note',
    label: { zh: '添加内部备注', en: 'Add an internal note' },
    palette: true,
  },

  // Bulk selection.
  {
    keys: ['x'],
    scope: 'console',
    group: 'select',
    action: 'list.toggleSelect',
    label: { zh: '选中/取消选中当前工单', en: 'Select or unselect this ticket' },
  },
  {
    keys: ['Shift+J', 'Shift+ArrowDown'],
    scope: 'console',
    group: 'select',
    action: 'list.extendDown',
    label: { zh: '向下扩展选择', en: 'Extend selection down' },
  },
  {
    keys: ['Shift+K', 'Shift+ArrowUp'],
    scope: 'console',
    group: 'select',
    action: 'list.extendUp',
    label: { zh: '向上扩展选择', en: 'Extend selection up' },
  },

  // Views.
  ...GO_VIEWS.map((go): Binding => ({
    keys: [`g ${go.key}`],
    scope: 'console',
    group: 'go',
    action: 'view.go',
    arg: go.view,
    label: { zh: `转到：${go.name.zh}`, en: `Go to ${go.name.en}` },
    palette: true,
  })),

  {
    keys: ['g c'],
    scope: 'console',
    group: 'go',
    action: 'calls.view',
    arg: 'today',
    label: { zh: '转到：今日通话', en: "Go to Today's calls" },
    palette: true,
  },
  {
    keys: ['g b'],
    scope: 'console',
    group: 'go',
    action: 'calls.view',
    arg: 'missed',
    label: { zh: '转到：未接来电（回拨队列）', en: 'Go to Missed calls (callback queue)' },
    palette: true,
  },
  {
    keys: ['g a'],
    scope: 'console',
    group: 'go',
    action: 'audit.open',
    label: { zh: '审计日志（值班主管、管理员）', en: 'Audit log (leads and admins)' },
    palette: true,
  },
  {
    keys: ['g l'],
    scope: 'console',
    group: 'go',
    action: 'lead.open',
    label: { zh: '组长看板（值班主管、管理员）', en: 'Lead board (leads and admins)' },
    palette: true,
  },
  {
    keys: ['g p'],
    scope: 'console',
    group: 'go',
    action: 'privacy.open',
    label: { zh: '住户个人信息：导出 / 删除（管理员）', en: 'Resident personal data: export / erase (admins)' },
    palette: true,
  },
  {
    keys: ['g q'],
    scope: 'console',
    group: 'go',
    action: 'assignment.open',
    label: { zh: '自动分派与升级（值班主管、管理员）', en: 'Auto-assignment and escalation (leads and admins)' },
    palette: true,
  },
  // KPI dashboard (issue 12 item 3).
  {
    keys: ['g d'],
    scope: 'console',
    group: 'go',
    action: 'kpi.open',
    label: { zh: 'KPI 看板（值班主管、管理员）', en: 'KPI dashboard (leads and admins)' },
    palette: true,
  },

  // The phone: call keys work everywhere, also while typing (function keys no browser or desktop takes).
  {
    keys: ['F8'],
    scope: 'console',
    group: 'phone',
    action: 'call.answer',
    label: { zh: '接听来电', en: 'Answer the call' },
    global: true,
    palette: true,
  },
  {
    keys: ['F9'],
    scope: 'console',
    group: 'phone',
    action: 'call.hangup',
    label: { zh: '挂断（响铃时为拒接）', en: 'Hang up (reject while ringing)' },
    global: true,
    palette: true,
  },
  {
    keys: ['Shift+F8'],
    scope: 'console',
    group: 'phone',
    action: 'call.holdToggle',
    label: { zh: '保持 / 恢复通话', en: 'Hold / resume the call' },
    global: true,
    palette: true,
  },
  {
    keys: ['Shift+F9'],
    scope: 'console',
    group: 'phone',
    action: 'call.wrapUp',
    label: { zh: '话后处理（填写通话小结）', en: 'Wrap up the call (disposition and notes)' },
    global: true,
    palette: true,
  },
  {
    keys: ['F2'],
    scope: 'console',
    group: 'phone',
    action: 'call.nextMissed',
    label: { zh: '下一个待回拨的未接来电', en: 'Next missed call to call back' },
    global: true,
    palette: true,
  },
  {
    keys: ['l'],
    scope: 'console',
    group: 'phone',
    action: 'call.linkTicket',
    label: { zh: '将来电关联到弹屏中选中的工单', en: 'Link the call to the ticket selected in the pop' },
    palette: true,
  },
  {
    keys: ['Shift+P'],
    scope: 'console',
    group: 'phone',
    action: 'presence.menu',
    label: { zh: '设置在线状态（空闲 / 小休 / 离线）', en: 'Set your status (available / break / offline)' },
    palette: true,
  },
  {
    keys: ['Shift+F2'],
    scope: 'console',
    group: 'phone',
    action: 'phone.settings',
    label: {
      zh: '话机设置（分机号、软电话、AMI、本机接口）',
      en: 'Phone settings (extension, softphone, AMI, local hook)',
    },
    palette: true,
  },

  // Everything else.
  {
    keys: ['/'],
    scope: 'console',
    group: 'general',
    action: 'search.open',
    label: { zh: '搜索工单', en: 'Search tickets' },
    palette: true,
  },
  {
    keys: ['n'],
    scope: 'console',
    group: 'general',
    action: 'intake.open',
    label: { zh: '新建工单（有来电时带入来电人与号码）', en: 'New ticket (with the caller, during a call)' },
    palette: true,
  },
  {
    keys: ['Ctrl+K'],
    scope: 'console',
    group: 'general',
    action: 'palette.open',
    label: { zh: '命令面板（在对话框中也可用）', en: 'Command palette (from dialogs too)' },
    inText: true,
    inDialog: true,
  },
  {
    keys: ['?'],
    scope: 'console',
    group: 'general',
    action: 'help.open',
    label: { zh: '快捷键帮助', en: 'Keyboard shortcuts' },
    palette: true,
  },

  // Inside the note box.
  {
    keys: ['Ctrl+Enter'],
    scope: 'note',
    group: 'note',
    action: 'note.save',
    label: { zh: '保存备注', en: 'Save the note' },
    inText: true,
  },
  {
    keys: ['Escape'],
    scope: 'note',
    group: 'note',
    action: 'note.cancel',
    label: { zh: '放弃备注', en: 'Discard the note' },
    inText: true,
  },

  // Inside the incoming-call pop (focus is on it once the agent answers).
  {
    keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
    scope: 'pop',
    group: 'pop',
    action: 'pop.pickNumber',
    label: { zh: '选择第 1–9 位候选来电人', en: 'Pick caller candidate 1–9' },
  },
  {
    keys: ['ArrowDown'],
    scope: 'pop',
    group: 'pop',
    action: 'pop.next',
    label: { zh: '下一位候选人 / 下一张工单', en: 'Next candidate / next ticket' },
  },
  {
    keys: ['ArrowUp'],
    scope: 'pop',
    group: 'pop',
    action: 'pop.prev',
    label: { zh: '上一位候选人 / 上一张工单', en: 'Previous candidate / previous ticket' },
  },
  {
    keys: ['Enter'],
    scope: 'pop',
    group: 'pop',
    action: 'pop.choose',
    label: { zh: '选定候选人；已选定时打开所选工单', en: 'Pick the candidate; once picked, open the ticket' },
  },

  // Inside the wrap-up form.
  {
    keys: ['Ctrl+Enter'],
    scope: 'wrapup',
    group: 'wrapup',
    action: 'wrapup.save',
    label: { zh: '保存通话小结', en: 'Save the wrap-up' },
    inText: true,
  },
  {
    keys: ['Escape'],
    scope: 'wrapup',
    group: 'wrapup',
    action: 'wrapup.cancel',
    label: { zh: '关闭通话小结（已输入内容时先询问）', en: 'Close the wrap-up (asks first if you typed)' },
    inText: true,
  },

  // Inside overlays, the palette and pickers (native behaviour of those widgets).
  {
    keys: ['ArrowDown', 'ArrowUp'],
    scope: 'dialog',
    group: 'dialog',
    action: 'dialog.move',
    label: { zh: '在菜单中上下移动', en: 'Move in a menu' },
    inText: true,
  },
  {
    keys: ['Enter'],
    scope: 'dialog',
    group: 'dialog',
    action: 'dialog.choose',
    label: { zh: '执行所选项', en: 'Run the chosen item' },
    inText: true,
  },
  {
    keys: ['Escape'],
    scope: 'dialog',
    group: 'dialog',
    action: 'dialog.close',
    label: { zh: '关闭并回到原处', en: 'Close and return to where you were' },
    inText: true,
  },

  // The lobby queue at the counter (issue 12 §4): q, then n / r / s.
  {
    keys: ['q n'],
    scope: 'console',
    group: 'general',
    action: 'queue.callNext',
    label: { zh: '柜台叫号：叫下一位', en: 'Counter: call the next number' },
    palette: true,
  },
  {
    keys: ['q r'],
    scope: 'console',
    group: 'general',
    action: 'queue.recall',
    label: { zh: '柜台叫号：重新叫当前号码', en: 'Counter: call the current number again' },
    palette: true,
  },
  {
    keys: ['q s'],
    scope: 'console',
    group: 'general',
    action: 'queue.skip',
    label: { zh: '柜台叫号：过号（未到场）', en: 'Counter: skip the number (did not come)' },
    palette: true,
  },
  // On the lead board (issue 12): its risk list, moves and undo.
  {
    keys: ['j', 'ArrowDown'],
    scope: 'lead',
    group: 'lead',
    action: 'lead.next',
    label: { zh: '下一张风险工单', en: 'Next ticket at risk' },
  },
  {
    keys: ['k', 'ArrowUp'],
    scope: 'lead',
    group: 'lead',
    action: 'lead.prev',
    label: { zh: '上一张风险工单', en: 'Previous ticket at risk' },
  },
  {
    keys: ['x'],
    scope: 'lead',
    group: 'lead',
    action: 'lead.toggleSelect',
    label: { zh: '选中/取消选中工单（批量转派）', en: 'Select or unselect the ticket (bulk move)' },
  },
  {
    keys: ['a'],
    scope: 'lead',
    group: 'lead',
    action: 'lead.move',
    label: { zh: '转派当前或所选工单给坐席…', en: 'Reassign this or the selected tickets…' },
  },
  {
    keys: ['q'],
    scope: 'lead',
    group: 'lead',
    action: 'lead.moveQueue',
    label: { zh: '整队列转派（当前工单所在队列）…', en: "Move the whole queue (this ticket's)…" },
  },
  {
    keys: ['z'],
    scope: 'lead',
    group: 'lead',
    action: 'lead.undo',
    label: { zh: '撤销上一次转派', en: 'Undo the last move' },
  },
  {
    keys: ['?'],
    scope: 'lead',
    group: 'lead',
    action: 'help.open',
    label: { zh: '快捷键帮助（看板上）', en: 'Keyboard shortcuts (on the board)' },
  },
  {
    keys: ['Space'],
    scope: 'lead',
    group: 'lead',
    action: 'lead.drag',
    label: {
      zh: '拿起工单，用方向键移到坐席卡片，再按空格放下（Esc 取消）',
      en: 'Pick up the ticket, arrow keys to an agent card, Space drops it (Esc cancels)',
    },
  },
];

/** A binding with its sequences parsed into canonical steps (see ./keys). */
export interface CompiledBinding extends Binding {
  sequences: readonly (readonly string[])[];
}

export function compileBindings(bindings: readonly Binding[]): CompiledBinding[] {
  return bindings.map((binding) => ({ ...binding, sequences: binding.keys.map(parseSequence) }));
}

export const COMPILED_BINDINGS: readonly CompiledBinding[] = compileBindings(BINDINGS);

export function bindingsInScope(scope: Scope, table: readonly CompiledBinding[] = COMPILED_BINDINGS) {
  return table.filter((binding) => binding.scope === scope);
}

/** Whether `view` is a view the host serves today (`overdue` arrives with another change). */
export function isKnownView(view: unknown): view is (typeof VIEW_IDS)[number] {
  return typeof view === 'string' && (VIEW_IDS as readonly string[]).includes(view);
}

/** The label in the agent's language. */
export function textIn(text: Text, language: string): string {
  return language === 'en' ? text.en : text.zh;
}
