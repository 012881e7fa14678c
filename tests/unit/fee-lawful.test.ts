/**
 * Fee reminders are lawful only (DESIGN.md §4, 民法典 第944条): the property company may remind, record and go to
 * finance or court, never cut water, power, heating, gas or lift access. This scans the fee workflow, the fee
 * actions the console offers and every UI string in both languages for such an action, and fails if one appears.
 */
import { describe, expect, it } from 'vitest';
import { FEE_CONTACT_METHODS, FEE_ESCALATION_TARGETS, WORKFLOW_DEFS } from '../../common/workflows';

/** Service cut-offs, in Chinese and English. English phrases need a utility nearby (a "turn off" alone is fine). */
const FORBIDDEN: RegExp[] = [
  /[停断限]\s*(?:水|电|暖|气|梯|燃气|供暖|供热|电梯)/,
  /(?:拉闸|断供|停供|锁梯|关闭电梯|电梯停用|限制(?:用水|用电|电梯|门禁))/,
  /\b(?:cut|shut|switch|turn)(?:s|ting)?[\s-]*off\b.{0,40}\b(?:water|power|electric\w*|heat\w*|gas|lifts?|elevators?)\b/i,
  /\b(?:water|power|electricity|heating|gas|lifts?|elevators?)\b.{0,20}\b(?:cut[\s-]*off|shut[\s-]*off|disconnect\w*|suspend\w*|stop\w*)/i,
  /\b(?:suspend|stop|block|restrict|deny|disable)\w*\b.{0,20}\b(?:water|power|electricity|heating|gas|lifts?|elevators?)\b/i,
  /\bdisconnect\w*\b.{0,40}\b(?:water|power|electricity|heating|gas|lifts?|elevators?)\b/i,
  /\bcut[\s-]*off\b/i,
];

function violations(texts: readonly string[]): string[] {
  return texts.filter((text) => FORBIDDEN.some((pattern) => pattern.test(text)));
}

/** Every string leaf of a nested object (labels, standards, i18n trees). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

async function load<T>(path: string): Promise<T> {
  return (await import(/* @vite-ignore */ path)) as T;
}

describe('fee reminders are lawful only', () => {
  it('the scanner itself recognises cut-off actions and lets lawful ones pass', () => {
    const unlawful = [
      '欠费停水',
      '通知停电',
      '停暖处理',
      '停气',
      '停梯',
      '限电',
      '拉闸断电',
      'Cut off the water supply',
      'shut off power to the unit',
      'Turn off heating until paid',
      'disconnect the gas',
      'Suspend lift access',
      'lift access suspended',
    ];
    expect(violations(unlawful)).toEqual(unlawful);
    const lawful = [
      '电话提醒',
      '短信',
      '书面通知',
      '转法务（支付令、诉讼）',
      'Turn off the weather alert',
      'Call the resident',
    ];
    expect(violations(lawful)).toEqual([]);
  });

  it('the fee workflow (steps, labels, standards, transitions, outputs) has no cut-off action', () => {
    const fee = WORKFLOW_DEFS.fee;
    const texts = [...strings(fee), ...FEE_CONTACT_METHODS, ...FEE_ESCALATION_TARGETS];
    expect(texts.length).toBeGreaterThan(20);
    expect(violations(texts)).toEqual([]);
    // And no transition leads anywhere but the lawful fee steps.
    const lawfulSteps = ['new', 'contacted', 'promised', 'paid', 'escalated', 'closed', 'cancelled'];
    for (const step of fee.steps) {
      expect(lawfulSteps).toContain(step.status);
      for (const next of step.next) expect(lawfulSteps).toContain(next.to);
    }
    expect([...FEE_CONTACT_METHODS].sort()).toEqual(['call', 'letter', 'message']);
    expect([...FEE_ESCALATION_TARGETS].sort()).toEqual(['finance', 'legal']);
  });

  it('the console’s fee actions and reminder notes have no cut-off action', async () => {
    const actions = await load<{
      REMINDER_METHOD_ZH: Record<string, string>;
      reminderComment(m: string, n: string): string;
    }>('../../renderer/src/features/console/fee/feeActions.ts');
    const texts = [
      ...strings(actions.REMINDER_METHOD_ZH),
      ...FEE_CONTACT_METHODS.map((m) => actions.reminderComment(m, '')),
    ];
    expect(violations(texts)).toEqual([]);
  });

  it('no UI string in either language offers a cut-off', async () => {
    const { zhCN } = await load<{ zhCN: unknown }>('../../renderer/src/i18n/zh-CN.ts');
    const { en } = await load<{ en: unknown }>('../../renderer/src/i18n/en.ts');
    const texts = [...strings(zhCN), ...strings(en)];
    expect(texts.length).toBeGreaterThan(200);
    expect(violations(texts)).toEqual([]);
  });
});
