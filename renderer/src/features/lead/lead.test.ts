/**
 * The lead board's words: every text in both languages with the same placeholders, and the reassignment notice as
 * an agent reads it — one ticket by its code, a burst (a queue move) as one sentence, the reason after it.
 */
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import type { ReassignNotice } from '../../../../common/lead/board';
import { LEAD_TEXT, leadTextOf, registerLeadText, type LeadT } from '../../i18n/lead';
import { noticeText } from './noticeText';

const placeholders = (text: string) => [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort();

async function leadT(language: 'zh-CN' | 'en'): Promise<LeadT> {
  const i18n = i18next.createInstance();
  await i18n.init({ lng: language, resources: {}, interpolation: { escapeValue: false } });
  registerLeadText(i18n);
  return leadTextOf(i18n, language);
}

const notice = (n: number, patch: Partial<ReassignNotice> = {}): ReassignNotice => ({
  eventId: `e${n}`,
  ticketId: `t${n}`,
  code: `BX-20261126-000${n}`,
  direction: 'received',
  byName: '陈组长',
  reason: '',
  ...patch,
});

describe('lead board text', () => {
  it('says everything in zh-CN and English, with the same placeholders', () => {
    for (const [key, text] of Object.entries(LEAD_TEXT)) {
      expect(text.zh.trim(), key).not.toBe('');
      expect(text.en.trim(), key).not.toBe('');
      expect(placeholders(text.en), key).toEqual(placeholders(text.zh));
    }
  });

  it('words a reassignment notice for one ticket, for a burst, and with the reason', async () => {
    const zh = await leadT('zh-CN');
    const en = await leadT('en');
    expect(noticeText([notice(1)], zh)).toBe('工单 BX-20261126-0001 已由 陈组长 转派给您');
    expect(noticeText([notice(1, { direction: 'lost' })], en)).toBe(
      'Ticket BX-20261126-0001 was reassigned away from you by 陈组长',
    );
    expect(noticeText([notice(1, { reason: '早班交接' }), notice(2), notice(3)], zh)).toBe(
      '3 张工单已由 陈组长 转派给您 · 原因：早班交接',
    );
    expect(noticeText([notice(1, { code: null, byName: '' })], en)).toBe(
      'Ticket (new ticket) was reassigned to you by a lead',
    );
  });
});
