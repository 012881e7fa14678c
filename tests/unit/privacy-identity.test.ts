/**
 * A person's identity in free text (server/privacy/identity): their numbers are found however they are written and
 * only as whole numbers, their name wherever it stands; everything else in the text stays.
 */
import { describe, expect, it } from 'vitest';
import { NO_IDENTITY, REDACTED, numberKeys, redactJson, redactor } from '../../server/privacy/identity';

describe('numberKeys', () => {
  it('gives a mobile as typed, national and international', () => {
    expect(numberKeys('138 0013 8000', '+8613800138000').sort()).toEqual(['13800138000', '8613800138000'].sort());
  });

  it('gives a landline with and without its trunk 0', () => {
    expect(numberKeys('021-6234 5678').sort()).toEqual(['02162345678', '2162345678', '862162345678'].sort());
  });

  it('ignores digit runs too short to be a phone number', () => {
    expect(numberKeys('8001')).toEqual([]);
  });
});

describe('redactor', () => {
  const redact = redactor({ names: ['张伟'], numbers: numberKeys('13800138000') }, '已删除住户');

  it.each([
    ['13800138000', REDACTED],
    ['请回电 138 0013 8000 谢谢', `请回电 ${REDACTED} 谢谢`],
    ['138-0013-8000', REDACTED],
    ['+86 138 0013 8000', `+${REDACTED}`],
    ['+8613800138000', `+${REDACTED}`],
    ['张伟家漏水，张伟本人在家', '已删除住户家漏水，已删除住户本人在家'],
  ])('takes %s out', (text, expected) => {
    expect(redact(text)).toBe(expected);
  });

  it.each(['1380013800012 是订单号', '楼下 3-1-502 的张先生', '金额 13800 元', '张'])('leaves %s as it is', (text) => {
    expect(redact(text)).toBe(text);
  });

  it('leaves text alone for nobody, and skips one-character names', () => {
    expect(redactor(NO_IDENTITY, 'x')('张伟 13800138000')).toBe('张伟 13800138000');
    expect(redactor({ names: ['王'], numbers: [] }, 'x')('王先生')).toBe('王先生');
  });

  it('reaches every string inside a work-log entry’s data', () => {
    // A uuid (an assignee, a linked ticket) may hold the digits by chance: ids are never touched.
    const id = 'a0b1c2d3-0000-4000-8000-a13800138000';
    const data = { changed: { title: { from: '张伟报修', to: '报修' } }, count: 2, list: ['13800138000', null], id };
    expect(redactJson(data, redact)).toEqual({
      changed: { title: { from: '已删除住户报修', to: '报修' } },
      count: 2,
      list: [REDACTED, null],
      id,
    });
  });
});
