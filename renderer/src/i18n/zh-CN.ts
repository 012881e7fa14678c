/**
 * Simplified Chinese, the default language. en.ts must mirror these keys exactly (the compiler checks via
 * `Messages`, tests/unit/renderer-i18n.test.ts checks again at run time).
 */
import type { ViewId } from '../../../common/contract';
import type { Category, Channel, Role, TicketStatus, TicketType } from '../../../common/domain';

const views: Record<ViewId, string> = {
  inbox: '待处理',
  mine: '我的工单',
  unassigned: '未指派',
  closed: '已关闭',
  all: '全部工单',
};

const status: Record<TicketStatus, string> = {
  new: '待受理',
  accepted: '已受理',
  dispatched: '已派单',
  acknowledged: '已接单',
  on_site: '已到场',
  done: '已完工',
  confirmed: '已验收',
  closed: '已关闭',
  on_hold: '挂起',
  cancelled: '已取消',
  reopened: '已重开',
  investigating: '调查中',
  replied: '已答复',
  contacted: '已联系',
  promised: '已承诺缴费',
  paid: '已缴费',
  escalated: '已升级',
};

/** Where a workflow names a step more precisely than the generic status label (DESIGN.md §4). */
const statusForType: Partial<Record<TicketType, Partial<Record<TicketStatus, string>>>> = {
  repair: { closed: '已回访', reopened: '返修' },
  complaint: { closed: '已回访' },
};

const type: Record<TicketType, string> = {
  repair: '报修',
  complaint: '投诉',
  enquiry: '咨询',
  suggestion: '建议',
  praise: '表扬',
  fee: '催缴',
};

const category: Record<Category, string> = {
  plumbing: '给排水',
  electrical: '电气',
  lift: '电梯',
  access: '门禁',
  cleaning: '保洁',
  security: '安防',
  noise: '噪音',
  parking: '停车',
  fees: '费用',
  other: '其他',
};

const channel: Record<Channel, string> = {
  phone: '电话',
  wechat: '微信',
  app: '业主 App',
  walk_in: '前台来访',
  kiosk: '自助终端',
  patrol: '巡查',
};

const priority: Record<'0' | '1' | '2' | '3' | '4', string> = {
  '0': 'P0 生命安全',
  '1': 'P1 紧急',
  '2': 'P2 加急',
  '3': 'P3 常规',
  '4': 'P4 重大工程',
};

const role: Record<Role, string> = {
  agent: '坐席',
  lead: '值班主管',
  technician: '维修技师',
  kiosk: '自助终端',
  admin: '管理员',
};

export const zhCN = {
  app: {
    name: '物业客服中心',
    switchLanguage: 'English',
    switchLanguageHint: '切换到英文界面',
    loading: '正在连接…',
    connectFailed: '无法连接到桌面服务：{{message}}',
    retry: '重试',
  },
  login: {
    title: '坐席登录',
    username: '用户名',
    password: '密码',
    submit: '登录',
    busy: '正在登录…',
    badCredentials: '用户名或密码错误',
    failed: '登录失败：{{message}}',
  },
  header: {
    signOut: '退出',
    userLabel: '当前用户',
  },
  nav: { label: '视图' },
  views,
  status,
  statusForType,
  type,
  category,
  channel,
  priority,
  role,
  list: {
    label: '工单',
    pendingCode: '待同步',
    loadingRow: '加载中…',
    empty: '此视图没有工单',
    failed: '工单加载失败：{{message}}',
    count: '共 {{total}} 条',
  },
  detail: {
    label: '工单详情',
    placeholder: '选择左侧的工单查看详情',
    loading: '正在加载工单…',
    notFound: '找不到该工单，可能已被删除',
    failed: '工单加载失败：{{message}}',
    type: '类型',
    category: '分类',
    channel: '渠道',
    priority: '优先级',
    status: '状态',
    unit: '房号',
    resident: '住户',
    phone: '电话',
    team: '班组',
    assignee: '处理人',
    createdAt: '创建时间',
    description: '问题描述',
    noDescription: '（无描述）',
    none: '—',
    unassigned: '未指派',
    unknownUser: '未知用户',
    timeline: '处理记录',
    noEvents: '暂无记录',
    actions: '处理',
  },
  actions: {
    nextStatus: '下一步状态',
    noNextStatus: '当前状态没有后续步骤',
    updateStatus: '更新状态',
    assignToMe: '指派给我',
    note: '备注',
    notePlaceholder: '记录处理情况、与住户的沟通…',
    addNote: '添加备注',
    working: '处理中…',
  },
  event: {
    created: '创建了工单',
    status: '状态：{{from}} → {{to}}',
    assign: '指派给 {{name}}',
    unassign: '取消了指派',
    comment: '添加了备注',
    priority: '优先级改为 {{priority}}',
    system: '系统',
  },
  sync: {
    label: '同步状态',
    online: '在线',
    connecting: '连接中…',
    syncing: '同步中 {{count}}',
    offline: '离线（自 {{time}}）',
    pending: '待上传 {{count}}',
    progress: '初始同步',
    progressRows: '已下载 {{rows}} / {{total}} 条',
    progressRowsOpen: '已下载 {{rows}} 条',
    rejected: '被拒绝 {{count}}',
    rejectedItem: '{{name}}：{{message}}',
    lastSync: '上次同步 {{time}}',
  },
  kiosk: {
    company: '物业服务中心',
    welcome: '欢迎光临',
    takeNumber: '取号',
    reportRepair: '报修',
    checkProgress: '查询进度',
    comingSoon: '即将开放',
    hint: '如需帮助，请前往服务台',
  },
};

export type Messages = typeof zhCN;
