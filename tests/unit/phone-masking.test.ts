/**
 * The one masked form of a phone number and the keyed hash beside it (issue 11 §4): maskPhone keeps what an agent
 * confirms with a caller and what a suffix search needs (the last 4 digits), hides the rest, reads nothing back
 * out of a masked number and is idempotent, so every layer may mask what it passes on; maskCall masks a call
 * record and keeps the hashes of numbers it cannot see whole any more; the desk's HMAC is RFC 4231's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskCall, maskCallEvent } from '../../common/calls/mask';
import { CallEvent } from '../../common/calls/envelope';
import { Call } from '../../common/domain';
import {
  formatPhoneForDisplay,
  isMaskedPhone,
  maskPhone,
  parsePhoneQuery,
  phoneHashOf,
  toE164,
} from '../../common/residents/phone';
import { parseLookupQuery } from '../../common/residents/query';
import { hmacPhoneHasher } from '../../main/privacy/phone-hash';
import { testPhoneHash } from '../support/phone-hash';

const mobile = fc.tuple(fc.constantFrom('13', '15', '18', '19'), fc.stringMatching(/^\d{9}$/)).map(([a, b]) => a + b);

describe('maskPhone', () => {
  it('keeps the first group and the last 4 digits of any mainland mobile, however it is written', () => {
    fc.assert(
      fc.property(mobile, fc.constantFrom('', '+86 ', '0086', '86'), (digits, prefix) => {
        const written = `${prefix}${digits.slice(0, 3)}-${digits.slice(3, 7)}-${digits.slice(7)}`;
        if (toE164(written) === null) return; // not every 9-digit tail is a valid number
        const masked = maskPhone(written);
        expect(masked).toBe(`${digits.slice(0, 3)} **** ${digits.slice(7)}`);
        expect(masked).not.toContain(digits.slice(3, 7));
      }),
      { seed: 11, numRuns: 500 },
    );
  });

  it('is idempotent, and never leaves 5 digits of the number in a row', () => {
    fc.assert(
      fc.property(fc.oneof(mobile, fc.string({ maxLength: 24 }), fc.stringMatching(/^[\d +()-]{0,20}$/)), (raw) => {
        const masked = maskPhone(raw);
        expect(maskPhone(masked)).toBe(masked);
        if (/\d/.test(raw) && /(?:\d\D*){8}/.test(raw)) expect(masked).not.toMatch(/\d{5}/);
      }),
      { seed: 12, numRuns: 2000 },
    );
  });

  it('masks landlines, foreign and short numbers; text without a digit stays as it is', () => {
    expect(maskPhone('010-8888 6666')).toBe('010 **** 6666');
    expect(maskPhone('0571-8765432')).toBe('0571 *** 5432');
    expect(maskPhone('+1 415 555 2671')).toBe('+1 *** *** 2671');
    expect(toE164('99999999999999')).toBeNull();
    expect(maskPhone('99999999999999')).toBe('999****9999');
    expect(maskPhone('8001')).toBe('**01');
    expect(maskPhone('anonymous')).toBe('anonymous');
    expect(maskPhone('未知')).toBe('未知');
  });

  it('reads no number out of a masked one: no E.164, no hash, shown as it is', () => {
    for (const masked of ['138 **** 8000', '010 **** 6666', '**01']) {
      expect(isMaskedPhone(masked)).toBe(true);
      expect(toE164(masked)).toBeNull();
      expect(phoneHashOf(testPhoneHash, masked)).toBeNull();
      expect(formatPhoneForDisplay(masked)).toBe(masked);
    }
  });

  it('a masked number typed or handed to a lookup asks for the digits it shows at its end', () => {
    expect(parsePhoneQuery('138 **** 8000')).toEqual({ kind: 'suffix', digits: '8000' });
    expect(parseLookupQuery('138 **** 8000')).toEqual({
      room: null,
      phone: { kind: 'suffix', digits: '8000' },
      name: null,
    });
    expect(parsePhoneQuery('**01')).toBeNull();
  });
});

describe('the phone hash', () => {
  it('is HMAC-SHA256 (RFC 4231 test case 2), its first 16 bytes as hex', () => {
    const rfc = hmacPhoneHasher(Buffer.from('Jefe'));
    expect(rfc('what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c7');
  });

  it('hashes a number written any way alike, and nothing for a number that is not one', () => {
    const hash = phoneHashOf(testPhoneHash, '+8613800138000');
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    for (const written of ['138 0013 8000', '0086-138-0013-8000', '8613800138000']) {
      expect(phoneHashOf(testPhoneHash, written)).toBe(hash);
    }
    expect(phoneHashOf(testPhoneHash, '95588')).toBeNull();
    expect(phoneHashOf(() => null, '+8613800138000')).toBeNull();
  });
});

describe('maskCall', () => {
  const call = Call.parse({
    id: '00000000-0000-4000-8000-000000000001',
    callId: 'pbx-1',
    direction: 'outbound',
    from: '8001',
    to: '021-6234 5678',
    agentId: null,
    residentId: null,
    ticketId: null,
    startedAt: '2026-12-01T01:00:00Z',
    answeredAt: null,
    endedAt: null,
    missed: false,
    notes: '',
    loggedAt: '2026-12-01T01:00:00Z',
    fromE164: null,
    transfers: [
      { kind: 'blind', target: '8002', at: '2026-12-01T01:01:00Z' },
      { kind: 'blind', target: '13900139000', at: '2026-12-01T01:02:00Z' },
    ],
  });

  it('masks every number with its hash beside it; extensions stay readable', () => {
    const masked = maskCall(call, testPhoneHash);
    expect(masked).toMatchObject({
      from: '**01',
      to: '021 **** 5678',
      fromE164: null,
      fromHash: null,
      toHash: testPhoneHash('+862162345678'),
    });
    expect(masked.transfers.map((t) => t.target)).toEqual(['8002', '139 **** 9000']);
    expect(JSON.stringify(masked)).not.toMatch(/62345678|13900139000/);
  });

  it('keeps the hashes of a record masked already (the desk re-writes what the server sent)', () => {
    const once = maskCall(call, testPhoneHash);
    expect(maskCall(once, () => null)).toEqual(once);
  });

  it('masks a reported event the same way as the record it belongs to', () => {
    const e = CallEvent.parse({
      v: 1,
      eventId: 'e1',
      callId: 'sp-1',
      ts: '2026-12-01T01:00:00Z',
      source: 'baresip',
      type: 'call.ringing',
      direction: 'inbound',
      from: '+86 138-0013-8000',
    });
    expect(maskCallEvent(e).from).toBe(maskPhone('13800138000'));
    expect(maskCallEvent(e)).toMatchObject({ callId: 'sp-1', type: 'call.ringing' });
  });
});
