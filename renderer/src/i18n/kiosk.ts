/**
 * Every text of the lobby kiosk, the lobby display and the console's queue actions (issue 12 §4), Chinese and
 * English side by side: the lobby shows both at once (residents cannot be expected to find a language switch),
 * the console picks one. Registered with i18next as the `kiosk` namespace (./index.ts).
 */
import type i18next from 'i18next';
import type { Category } from '../../../common/domain';

export interface Bilingual {
  zh: string;
  en: string;
}

const pair = (zh: string, en: string): Bilingual => ({ zh, en });

export const KIOSK_TEXT = {
  company: pair('物业服务中心', 'Property Service Centre'),
  welcome: pair('欢迎光临，请选择服务', 'Welcome — please choose a service'),
  hint: pair('如需帮助，请前往服务台', 'For help, please ask at the service counter'),
  services: pair('自助服务', 'Self-service'),
  takeNumber: pair('取号', 'Take a number'),
  reportRepair: pair('报修', 'Report a repair'),
  checkStatus: pair('查询进度', 'Check a status'),
  home: pair('返回首页', 'Back to start'),
  back: pair('上一步', 'Back'),
  next: pair('下一步', 'Next'),
  done: pair('完成', 'Done'),
  submit: pair('提交', 'Submit'),
  working: pair('请稍候…', 'One moment…'),

  chooseLine: pair('请选择业务', 'Choose a service line'),
  yourNumber: pair('您的号码', 'Your number'),
  ahead: pair('前面还有 {{n}} 人', '{{n}} ahead of you'),
  wait: pair('预计等候约 {{n}} 分钟', 'Estimated wait: about {{n}} min'),
  noWait: pair('马上为您服务', 'You will be served shortly'),
  watchDisplay: pair('请留意叫号屏和广播', 'Please watch the display for your number'),

  room: pair('房号（如 3-1-502）', 'Room number (e.g. 3-1-502)'),
  last4: pair('预留手机号后四位', 'Last 4 digits of your phone on file'),
  chooseCategory: pair('请选择报修类别', 'What needs repair?'),
  description: pair('补充说明（可不填）', 'Anything to add? (optional)'),
  repairFiled: pair('报修已受理，工单号', 'Your repair is filed. Ticket code'),
  scanCode: pair('用手机扫码保存工单号', 'Scan with your phone to keep the code'),
  qrLabel: pair('工单号二维码', 'QR code of the ticket code'),

  ticketCode: pair('工单号（如 BX-20261126-0042）', 'Ticket code (e.g. BX-20261126-0042)'),
  currentStep: pair('当前进度', 'Current step'),
  dueBy: pair('预计 {{when}} 前完成此步', 'This step is due by {{when}}'),
  paused: pair(
    '此步骤暂停计时（如等待配件或您的预约）',
    'This step is paused (e.g. waiting for parts or your appointment)',
  ),
  noLimit: pair('此步骤没有时限', 'This step has no time limit'),

  notMatched: pair(
    '信息与登记资料不符，请核对后重试',
    'The details do not match our records. Please check and try again',
  ),
  tooManyTries: pair('尝试次数过多，请到服务台办理', 'Too many tries. Please ask at the service counter'),
  unavailable: pair('暂时无法办理，请到服务台', 'Not available right now. Please ask at the service counter'),
  invalid: pair('请检查填写的内容', 'Please check what you entered'),

  stillThere: pair('还在吗？', 'Still there?'),
  resetIn: pair(
    '{{n}} 秒后返回首页并清除已填写内容',
    'Returning to the start in {{n}} s; what you entered will be cleared',
  ),
  touchToStay: pair('轻触屏幕任意位置继续', 'Touch anywhere to continue'),
  stay: pair('继续使用', 'Keep going'),

  signInTitle: pair('此终端尚未登录', 'This screen is not signed in'),
  signInHint: pair('请工作人员使用终端账号登录', 'Staff: sign in with the kiosk account'),
  username: pair('账号', 'Username'),
  password: pair('密码', 'Password'),
  signIn: pair('登录', 'Sign in'),
  signInFailed: pair('登录失败：{{reason}}', 'Sign-in failed: {{reason}}'),

  displayTitle: pair('叫号屏', 'Queue display'),
  nowCalling: pair('正在叫号', 'Now calling'),
  counter: pair('{{counter}} 号窗口', 'Counter {{counter}}'),
  nextUp: pair('等候中', 'Waiting'),
  nobodyWaiting: pair('无人等候', 'Nobody waiting'),
  waitingCount: pair('共 {{n}} 人', '{{n}} waiting'),
  announce: pair('请 {{label}} 号到 {{counter}} 号窗口', 'Number {{label}}, please go to counter {{counter}}'),

  callNext: pair('叫下一位（柜台叫号）', 'Call the next number (counter)'),
  recall: pair('重新叫号', 'Call the number again'),
  skip: pair('过号', 'Skip the number'),
  queuePanel: pair('柜台叫号', 'Counter queue'),
  counterName: pair('窗口', 'Counter'),
  anyLine: pair('全部业务', 'Any line'),
  called: pair('已叫 {{label}} 到 {{counter}} 号窗口', 'Called {{label}} to counter {{counter}}'),
  queueEmpty: pair('没有等候的号码', 'Nobody is waiting'),
  close: pair('关闭', 'Close'),
} as const satisfies Record<string, Bilingual>;

export type KioskTextKey = keyof typeof KIOSK_TEXT;

/** The repair categories a resident picks from (fees are not a repair), with their bilingual names. */
export const REPAIR_CATEGORIES: readonly { category: Category; label: Bilingual }[] = [
  { category: 'plumbing', label: pair('水管/漏水', 'Plumbing / leaks') },
  { category: 'electrical', label: pair('电路/照明', 'Electrical / lights') },
  { category: 'lift', label: pair('电梯', 'Lift') },
  { category: 'access', label: pair('门禁/门锁', 'Doors / access') },
  { category: 'cleaning', label: pair('保洁', 'Cleaning') },
  { category: 'security', label: pair('安全隐患', 'Safety hazard') },
  { category: 'noise', label: pair('噪音', 'Noise') },
  { category: 'parking', label: pair('停车', 'Parking') },
  { category: 'other', label: pair('其他', 'Other') },
];

/** One text in both languages, with `{{name}}` filled in. */
export function kioskText(key: KioskTextKey, values: Record<string, string | number> = {}): Bilingual {
  const fill = (s: string) => s.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name] ?? ''));
  return { zh: fill(KIOSK_TEXT[key].zh), en: fill(KIOSK_TEXT[key].en) };
}

/** Adds the `kiosk` namespace to i18next, per language (for any screen that translates through i18next). */
export function registerKioskTexts(i18n: Pick<typeof i18next, 'addResourceBundle'>): void {
  const bundle = (language: keyof Bilingual) =>
    Object.fromEntries(Object.entries(KIOSK_TEXT).map(([key, text]) => [key, text[language]]));
  i18n.addResourceBundle('zh-CN', 'kiosk', bundle('zh'));
  i18n.addResourceBundle('en', 'kiosk', bundle('en'));
}
