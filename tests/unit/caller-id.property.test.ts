/**
 * Caller number normalisation (issue 10 item 5, common/calls/caller-id.ts), property-tested with fast-check:
 * - every way a PBX, a softphone or a person writes a valid mainland mobile or landline — E.164, +86 with spaces
 *   or dashes, 0086, 86, national with and without the trunk 0, with an extension, inside a SIP or tel URI —
 *   reads as the same E.164 (and the same extension);
 * - every withheld marker reads as withheld;
 * - nothing throws, and whatever reads as a number reads the same again from its own E.164.
 * Valid numbers come from libphonenumber-js itself (the metadata), not from the code under test.
 */
import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { callerDisplay, parseCallerNumber, type ParsedCaller } from '../../common/calls/caller-id';

const SEED = 20261205;
const RUNS = 400;

const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
const isValid = (e164: string) => parsePhoneNumberFromString(e164)?.isValid() === true;

// prettier-ignore
const MOBILE_PREFIXES = ['130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '147', '150', '151',
  '152', '153', '155', '156', '157', '158', '159', '166', '170', '171', '173', '175', '176', '177', '178', '180',
  '181', '182', '183', '184', '185', '186', '187', '188', '189', '191', '198', '199'];
// Beijing, the 02X cities, and three-digit areas (Shenzhen, Hangzhou, Suzhou, Dongguan, Kunming, Urumqi…).
// prettier-ignore
const AREA_CODES = ['10', '20', '21', '22', '23', '24', '25', '27', '28', '29', '311', '351', '371', '411', '431',
  '451', '512', '531', '532', '571', '574', '591', '592', '731', '755', '757', '760', '769', '851', '871', '898',
  '991'];

/** National significant number of a valid mobile: "13800138000". */
const mobile = fc
  .tuple(fc.constantFrom(...MOBILE_PREFIXES), digits(8))
  .map(([p, d]) => p + d)
  .filter((n) => isValid(`+86${n}`));

/** A valid landline: area code without the trunk 0, and a 7 or 8 digit local number starting 2–8. */
const landline = fc
  .tuple(fc.constantFrom(...AREA_CODES), fc.integer({ min: 2, max: 8 }), fc.boolean(), digits(7))
  .map(([area, first, eight, rest]) => ({
    area,
    local: `${first}${area.length === 2 || eight ? rest : rest.slice(1)}`,
  }))
  .filter(({ area, local }) => isValid(`+86${area}${local}`));

const extension = fc.integer({ min: 1, max: 99_999 }).map(String);
const host = fc.constantFrom('pbx.example.com', '10.0.0.1:5060', 'sip.wy-service.cn', '[2001:db8::1]');
/** A string with full-width digits, as an IME may produce. */
const fullWidth = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));

function mobileForms(n: string, h: string): string[] {
  const [a, b, c] = [n.slice(0, 3), n.slice(3, 7), n.slice(7)];
  return [
    `+86${n}`,
    `+86 ${a} ${b} ${c}`,
    `+86-${a}-${b}-${c}`,
    `+86 ${a}-${b}-${c}`,
    `0086${n}`,
    `0086 ${a} ${b} ${c}`,
    `86${n}`,
    `86-${n}`,
    `86 ${a} ${b} ${c}`,
    n,
    `0${n}`,
    `${a} ${b} ${c}`,
    `${a}-${b}-${c}`,
    ` ${n}\t`,
    fullWidth(n),
    `sip:${n}@${h}`,
    `sip:+86${n}@${h};user=phone`,
    `sips:0086${n}@${h}`,
    `<sip:${n}@${h}>`,
    `"张伟" <sip:${n}@${h};transport=udp>`,
    `sip:%2B86${n}@${h}`,
    `tel:+86-${a}-${b}-${c}`,
  ];
}

function landlineForms(area: string, local: string, h: string): string[] {
  const [head, tail] = [local.slice(0, -4), local.slice(-4)];
  return [
    `+86${area}${local}`,
    `+86 ${area} ${local}`,
    `+86-${area}-${local}`,
    `+86 ${area} ${head} ${tail}`,
    `+86 (0)${area} ${local}`,
    `+86 0${area} ${local}`,
    `0086${area}${local}`,
    `0086 ${area} ${local}`,
    `86${area}${local}`,
    `86 0${area} ${local}`,
    `86-0${area}-${local}`,
    `0${area}${local}`,
    `0${area}-${local}`,
    `0${area} ${head} ${tail}`,
    `0${area}-${head}-${tail}`,
    `(0${area}) ${head}-${tail}`,
    `${area}${local}`,
    `${area} ${local}`,
    fullWidth(`0${area}-${local}`),
    `sip:0${area}${local}@${h}`,
    `sip:+86${area}${local}@${h};user=phone`,
    `<sip:0086${area}${local}@${h}>`,
    `tel:+86-${area}-${local}`,
  ];
}

function extensionForms(area: string, local: string, x: string): string[] {
  return [
    `0${area}-${local}-${x}`,
    `0${area}-${local.slice(0, -4)}-${local.slice(-4)}-${x}`,
    `0${area}-${local} ext. ${x}`,
    `0${area} ${local} ext ${x}`,
    `0${area} ${local} x${x}`,
    `0${area}-${local}转${x}`,
    `0${area}-${local} 转 ${x}`,
    `0${area}-${local} 分机 ${x}`,
    `+86 ${area} ${local} ext. ${x}`,
    `+86-${area}-${local}-${x}`,
  ];
}

function expectNumber(form: string, e164: string, ext?: string): void {
  const parsed = parseCallerNumber(form);
  const expected: ParsedCaller = { kind: 'number', e164, national: expect.any(String) as string };
  if (ext !== undefined) expected.extension = ext;
  expect(parsed, JSON.stringify(form)).toEqual(expected);
}

describe('caller number normalisation (property)', () => {
  it('every written form of a mobile reads as its E.164', () => {
    fc.assert(
      fc.property(mobile, host, (n, h) => {
        for (const form of mobileForms(n, h)) expectNumber(form, `+86${n}`);
        expect(parseCallerNumber(n)).toMatchObject({ national: n });
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('every written form of a landline reads as its E.164, national with the trunk 0', () => {
    fc.assert(
      fc.property(landline, host, ({ area, local }, h) => {
        for (const form of landlineForms(area, local, h)) expectNumber(form, `+86${area}${local}`);
        expect(parseCallerNumber(`+86${area}${local}`)).toMatchObject({ national: `0${area}${local}` });
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('a landline with an extension reads as the landline and the extension', () => {
    fc.assert(
      fc.property(landline, extension, ({ area, local }, x) => {
        for (const form of extensionForms(area, local, x)) expectNumber(form, `+86${area}${local}`, x);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('every withheld marker reads as withheld', () => {
    const marker = fc.constantFrom(
      '',
      'anonymous',
      'Anonymous',
      'ANONYMOUS',
      'private',
      'Private Number',
      'unknown',
      '<unknown>',
      'withheld',
      'Restricted',
      'unavailable',
      '未知',
      '未知号码',
      '隐藏',
      '隐藏号码',
      'sip:anonymous@anonymous.invalid',
      '"Anonymous" <sip:anonymous@anonymous.invalid>',
      'sips:Anonymous@pbx.example.com',
      'tel:unknown',
    );
    const space = fc.constantFrom('', ' ', '  ', '\t', '\u3000');
    fc.assert(
      fc.property(space, marker, space, (before, m, after) => {
        const parsed = parseCallerNumber(`${before}${m}${after}`);
        expect(parsed).toEqual({ kind: 'withheld' });
        expect(callerDisplay(parsed)).toBeNull();
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(parseCallerNumber(null)).toEqual({ kind: 'withheld' });
    expect(parseCallerNumber(undefined)).toEqual({ kind: 'withheld' });
  });

  it('garbage never throws; what reads as a number reads the same from its E.164', () => {
    const phoneish = fc.string({
      unit: fc.constantFrom(...'0123456789+-() .x#*@:;<>%"转分机sipSIPtel未知'.split('')),
      maxLength: 40,
    });
    const anything = fc.oneof(phoneish, fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ maxLength: 300 }));
    fc.assert(
      fc.property(anything, (raw) => {
        const parsed = parseCallerNumber(raw);
        expect(['number', 'withheld', 'invalid']).toContain(parsed.kind);
        if (parsed.kind === 'invalid') expect(parsed.raw).toBe(raw);
        if (parsed.kind === 'number') {
          expect(parsed.e164).toMatch(/^\+[1-9]\d{6,14}$/);
          expect(parseCallerNumber(parsed.e164)).toMatchObject({ kind: 'number', e164: parsed.e164 });
        }
        expect(() => callerDisplay(parsed)).not.toThrow();
      }),
      { numRuns: 2000, seed: SEED },
    );
  });
});
