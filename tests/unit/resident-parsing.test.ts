import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskPhone, parsePhoneQuery, phoneKey, toE164 } from '../../common/residents/phone';
import { parseLookupQuery } from '../../common/residents/query';
import { parseRoomQuery } from '../../common/residents/room';
import { normalizeInput, prefixUpperBound } from '../../common/residents/text';

describe('phone parsing', () => {
  it.each([
    ['138 0013 8000', '+8613800138000'],
    ['+86 138-0013-8000', '+8613800138000'],
    ['8613800138000', '+8613800138000'],
    ['0086 138 0013 8000', '+8613800138000'],
    ['１３８００１３８０００', '+8613800138000'],
    ['(0)21 5555 1234', '+862155551234'],
    ['021-6234 5678', '+862162345678'],
    ['(021) 62345678', '+862162345678'],
  ])('%s is %s', (raw, e164) => {
    expect(toE164(raw)).toBe(e164);
    expect(parsePhoneQuery(raw)).toEqual({ kind: 'exact', e164, digits: e164.slice(3) });
  });

  it('turns a partial number of 4 or more digits into a suffix match, fewer into nothing', () => {
    expect(parsePhoneQuery('8000')).toEqual({ kind: 'suffix', digits: '8000' });
    expect(parsePhoneQuery('0013 8000')).toEqual({ kind: 'suffix', digits: '00138000' });
    expect(parsePhoneQuery('800')).toBeNull();
    expect(parsePhoneQuery('张伟')).toBeNull();
    expect(toE164('')).toBeNull();
    expect(toE164('12345')).toBeNull();
  });

  it('keys an unparseable number by its raw digits, a valid one by its national number', () => {
    expect(phoneKey('ext. 8001')).toEqual({ e164: null, digits: '8001' });
    expect(phoneKey('+86 21 62345678')).toEqual({ e164: '+862162345678', digits: '2162345678' });
  });

  it('masks the middle digits for the screen, in the display form', () => {
    expect(maskPhone('+86 138-0013-8000')).toBe('138 **** 8000');
    expect(maskPhone('021-62345678')).toBe('021 **** 5678');
    expect(maskPhone('8001')).toBe('**01');
  });
});

describe('room parsing', () => {
  it.each([
    ['3-1-502', { kind: 'exact', code: '3-1-502' }],
    ['3栋1单元502', { kind: 'exact', code: '3-1-502' }],
    ['3号楼1单元502室', { kind: 'exact', code: '3-1-502' }],
    ['3-1-502室', { kind: 'exact', code: '3-1-502' }],
    ['３－１－５０２', { kind: 'exact', code: '3-1-502' }],
    ['3—1—502', { kind: 'exact', code: '3-1-502' }],
    [' 12 - 2 - 1203 ', { kind: 'exact', code: '12-2-1203' }],
    ['1-502', { kind: 'suffix', suffix: '1-502' }],
    ['1单元502', { kind: 'suffix', suffix: '1-502' }],
    ['502', { kind: 'suffix', suffix: '502' }],
    ['0502室', { kind: 'suffix', suffix: '502' }],
  ])('%s', (text, expected) => {
    expect(parseRoomQuery(text)).toEqual(expected);
  });

  it.each(['12', '138-0013-8000', '张伟', '3-1-', '', '502502'])('%s is no room', (text) => {
    expect(parseRoomQuery(text)).toBeNull();
  });
});

describe('lookup query', () => {
  it('tells rooms, phones and names apart; bare 4 digits may be either a room or a phone', () => {
    expect(parseLookupQuery('3-1-502')).toEqual({ room: { kind: 'exact', code: '3-1-502' }, phone: null, name: null });
    expect(parseLookupQuery('1-502').phone).toBeNull();
    expect(parseLookupQuery('1203')).toEqual({
      room: { kind: 'suffix', suffix: '1203' },
      phone: { kind: 'suffix', digits: '1203' },
      name: null,
    });
    expect(parseLookupQuery('13800138000').room).toBeNull();
    expect(parseLookupQuery(' 张 ')).toEqual({ room: null, phone: null, name: '张' });
    expect(parseLookupQuery('   ')).toEqual({ room: null, phone: null, name: null });
  });
});

describe('text helpers', () => {
  it('normalises full-width characters and dash look-alikes', () => {
    expect(normalizeInput('　３－１－５０２室　')).toBe('3-1-502室');
  });

  it('bounds every string with the prefix and nothing else', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 6 }), fc.string({ maxLength: 6 }), (prefix, rest) => {
        fc.pre(prefix.charCodeAt(prefix.length - 1) < 0xffff);
        const upper = prefixUpperBound(prefix);
        const s = prefix + rest;
        expect(s >= prefix && s < upper).toBe(true);
      }),
    );
    expect('3-1-6' < prefixUpperBound('3-1-5')).toBe(false);
  });
});
