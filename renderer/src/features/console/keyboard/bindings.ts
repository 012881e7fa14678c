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
 */
import { VIEW_IDS } from '../../../../../common/contract';
import { parseSequence } from './keys';

export type Scope = 'console' | 'note' | 'dialog';
export type Group = 'move' | 'ticket' | 'select' | 'go' | 'general' | 'note' | 'dialog';
export const GROUP_ORDER: readonly Group[] = ['move', 'ticket', 'select', 'go', 'general', 'note', 'dialog'];

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
}

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
    label: { zh: '新建工单', en: 'New ticket' },
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
