/**
 * One display form for every phone number on screen (issue 9 point 3): mainland numbers as dialled in China and
 * grouped as usual there, foreign numbers internationally, anything else exactly as written.
 */
import { describe, expect, it } from 'vitest';
import { formatPhoneForDisplay } from '../../common/residents/phone';

describe('formatPhoneForDisplay', () => {
  it.each([
    // Mobiles, however they were written: 3-4-4.
    ['+8615030558436', '150 3055 8436'],
    ['15030558436', '150 3055 8436'],
    ['138 1390 5272', '138 1390 5272'],
    ['138-1390-5272', '138 1390 5272'],
    ['+86 138 1390 5272', '138 1390 5272'],
    ['+86 138-1390-5272', '138 1390 5272'],
    ['86-13813905272', '138 1390 5272'],
    ['8613813905272', '138 1390 5272'],
    ['0086 138 1390 5272', '138 1390 5272'],
    ['１３８１３９０５２７２', '138 1390 5272'],
    ['138–1390–5272', '138 1390 5272'],
    // Landlines with a 3-digit area code (010, 02X): 3 then 4-4.
    ['010-88886666', '010 8888 6666'],
    ['+861088886666', '010 8888 6666'],
    ['+86 10 8888 6666', '010 8888 6666'],
    ['(021) 6234 5678', '021 6234 5678'],
    ['021 6234-5678', '021 6234 5678'],
    ['02162345678', '021 6234 5678'],
    ['+86 (0)21 6234 5678', '021 6234 5678'],
    // Landlines with a 4-digit area code: 4 then 4-4, or 3-4 for a 7-digit local number.
    ['0755-23456789', '0755 2345 6789'],
    ['+8675523456789', '0755 2345 6789'],
    ['+86 755 2345 6789', '0755 2345 6789'],
    ['0571-8765432', '0571 876 5432'],
    ['+865718765432', '0571 876 5432'],
    // Nationwide service numbers: 3-3-4.
    ['4008123456', '400 812 3456'],
    ['400-812-3456', '400 812 3456'],
    ['+86 400 812 3456', '400 812 3456'],
    ['800 820 8820', '800 820 8820'],
    // Other countries: international format.
    ['+14155552671', '+1 415 555 2671'],
    ['+44 20 7946 0958', '+44 20 7946 0958'],
    ['+852 2345 6789', '+852 2345 6789'],
    ['+81 3-1234-5678', '+81 3 1234 5678'],
    // An extension stays.
    ['021 6234 5678 ext 12', '021 6234 5678 ext. 12'],
  ])('%s → %s', (raw, shown) => {
    expect(formatPhoneForDisplay(raw)).toBe(shown);
  });

  it.each(['', '   ', 'hello', '12345', '95588', '110', '138', '+86 123', '0000000000000', 'call me', '不详'])(
    'leaves %j as written (not a valid number)',
    (raw) => {
      expect(formatPhoneForDisplay(raw)).toBe(raw);
    },
  );

  it('is one form per number: every written form of a number displays the same', () => {
    const forms = ['+8613813905272', '13813905272', '138 1390 5272', '+86 138-1390-5272', '86-13813905272'];
    expect(new Set(forms.map(formatPhoneForDisplay))).toEqual(new Set(['138 1390 5272']));
  });

  it('shows mainland numbers in the national forms the console checks for', () => {
    const mobile = /^\d{3} \d{4} \d{4}$/;
    const landline = /^0\d{2,3} \d{3,4} \d{4}$/;
    for (const raw of ['+8615030558436', '13900001111', '+8619912345678'])
      expect(formatPhoneForDisplay(raw)).toMatch(mobile);
    for (const raw of ['+862162345678', '+8675523456789', '+865718765432', '010-12345678']) {
      expect(formatPhoneForDisplay(raw)).toMatch(landline);
    }
  });
});
