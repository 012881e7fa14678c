/**
 * The shared input building blocks (common/input.ts, issue 11 §1): text PostgreSQL can store, real dates in range,
 * bounded query-string numbers, cursors within xid8/bigint, keyset cursors; and that the desk contract, the mutations
 * and the REST schemas are built from them (NUL in a comment is refused by each).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntakeRequest, TicketListQuery } from '../../common/api';
import { CallEvent } from '../../common/calls/envelope';
import { METHODS } from '../../common/contract';
import {
  BIGINT_MAX,
  KeysetCursor,
  XID8_MAX,
  calendarDate,
  decodeKeyset,
  encodeKeyset,
  isoDateTime,
  line,
  parseLogPosition,
  queryInt,
  storableText,
  text,
} from '../../common/input';
import { TicketCodeInput, formatTicketCode } from '../../common/domain';
import { parseMutation } from '../../common/mutations';
import { DirectoryQuery } from '../../common/residents/directory';
import { YearSchedule } from '../../common/sla/calendar';
import { PullRequest } from '../../common/sync';
import { StatusOutputs } from '../../common/workflows';

const ID = '0b6c8f4e-2f57-4b43-9d55-5d1e8d0f6a11';
const messages = (r: { success: boolean; error?: { issues: { message: string }[] } }) =>
  r.success ? [] : (r.error?.issues.map((i) => i.message) ?? []);

/** Any UTF-16 code unit, lone surrogates and NUL included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
const anyUtf16 = fc.string({ unit: codeUnit, maxLength: 40 });
const wellFormed = isWellFormed;
function isWellFormed(s: string): boolean {
  try {
    encodeURIComponent(s); // throws URIError on a lone surrogate
    return true;
  } catch {
    return false;
  }
}

describe('text and line', () => {
  it('refuse NUL and lone surrogates with a reason, accept surrogate pairs, CJK and (text only) line breaks', () => {
    const t = text(100);
    expect(messages(t.safeParse('a\u0000b'))).toEqual(['must not contain NUL (U+0000)']);
    expect(messages(t.safeParse('a\ud800b'))[0]).toMatch(/valid Unicode/);
    expect(messages(t.safeParse('\udc00'))[0]).toMatch(/valid Unicode/);
    expect(messages(t.safeParse('\udc00\ud800'))[0]).toMatch(/valid Unicode/); // a pair the wrong way round
    expect(t.safeParse('漏水 😀 第二行\n\t缩进').success).toBe(true);
    expect(messages(line(100).safeParse('第一行\n第二行'))[0]).toMatch(/control characters/);
    expect(line(100, { trim: true, min: 1 }).parse('  3-1-502 \n')).toBe('3-1-502');
  });

  it('accept exactly the strings PostgreSQL stores as they are (fast-check over every UTF-16 code unit)', () => {
    const t = text(40);
    fc.assert(
      fc.property(anyUtf16, (s) => {
        expect(t.safeParse(s).success).toBe(!s.includes('\u0000') && wellFormed(s));
      }),
      { seed: 11, numRuns: 2000 },
    );
  });

  it('storableText replaces what cannot be stored and never splits a pair into a lone half', () => {
    expect(storableText('a\u0000b\ud800')).toBe('a\ufffdb\ufffd');
    expect(storableText('ab😀', 3)).toBe('ab\ufffd');
    fc.assert(
      fc.property(anyUtf16, fc.nat(50), (s, max) => {
        expect(text(1000).safeParse(storableText(s, max)).success).toBe(true);
      }),
      { seed: 12, numRuns: 500 },
    );
  });
});

describe('dates', () => {
  it('refuse impossible days and years outside 2000–2100', () => {
    const at = isoDateTime();
    for (const bad of [
      '0000-01-01T00:00:00Z',
      '2024-02-30T00:00:00Z',
      '2023-02-29T08:00:00+08:00',
      '2101-01-01T00:00:00Z',
      '1999-12-31T23:59:59Z',
      '2024-13-01T00:00:00Z',
      'yesterday',
    ]) {
      expect(at.safeParse(bad).success, bad).toBe(false);
    }
    expect(at.safeParse('2024-02-29T23:59:59.999+08:00').success).toBe(true);
    const day = calendarDate();
    for (const bad of ['0000-01-01', '2024-02-30', '2027-02-29', '2024-04-31', '1900-01-01', '20240101']) {
      expect(day.safeParse(bad).success, bad).toBe(false);
    }
    expect(day.safeParse('2028-02-29').success).toBe(true);
  });

  it('are what every date field of the contract, the mutations and the settings uses', () => {
    expect(StatusOutputs.safeParse({ promiseDate: '2024-02-30' }).success).toBe(false);
    expect(YearSchedule.safeParse({ year: 2027, holidays: ['2027-02-30'], workdays: [] }).success).toBe(false);
    const log = { direction: 'inbound', from: '13800138000', startedAt: '0000-01-01T00:00:00Z' };
    expect(METHODS['calls.log'].input.safeParse(log).success).toBe(false);
    expect(() => parseMutation('call.log', { ...log, id: ID })).toThrow();
  });
});

describe('query-string numbers', () => {
  it('take plain digits within bounds only', () => {
    const limit = queryInt(1, 500);
    expect(limit.parse('50')).toBe(50);
    expect(limit.parse(50)).toBe(50);
    for (const bad of ['0', '501', '-1', '1e3', '0x10', ' 5', '5.0', '', '9'.repeat(30), 'NaN', 'Infinity', 2.5]) {
      expect(limit.safeParse(bad).success, String(bad)).toBe(false);
    }
    expect(TicketListQuery.safeParse({ limit: '9'.repeat(400) }).success).toBe(false);
    expect(DirectoryQuery.safeParse({ limit: '1e3' }).success).toBe(false);
  });
});

describe('cursors', () => {
  it('a change-order position stays within xid8 and bigint', () => {
    expect(parseLogPosition(`${XID8_MAX}:${BIGINT_MAX}`)).toEqual({ xid: String(XID8_MAX), seq: String(BIGINT_MAX) });
    expect(parseLogPosition(`${XID8_MAX + 1n}:1`)).toBeNull();
    expect(parseLogPosition(`1:${BIGINT_MAX + 1n}`)).toBeNull();
    expect(parseLogPosition('007:0010')).toEqual({ xid: '7', seq: '10' });
    for (const bad of ['', '1', '1:', ':1', '-1:1', '1:2:3', '1.5:2', '99999999999999999999999:1']) {
      expect(parseLogPosition(bad), bad).toBeNull();
    }
    expect(DirectoryQuery.safeParse({ cursor: '99999999999999999999:1' }).success).toBe(false);
    const pull = (cursor: string) => PullRequest.safeParse({ clientId: ID, schemaVersion: 4, cursor }).success;
    expect(pull(Buffer.from('12:34').toString('base64url'))).toBe(true);
    expect(pull(Buffer.from('99999999999999999999:1').toString('base64url'))).toBe(false);
    expect(pull('not a cursor!')).toBe(false);
  });

  it('a keyset cursor round-trips PostgreSQL and ISO timestamps and refuses impossible ones', () => {
    for (const at of ['2026-05-01 10:00:00.123456+08', '2026-05-01T02:00:00.123Z', '2026-05-01 10:00:00+05:30']) {
      expect(decodeKeyset(encodeKeyset({ at, id: ID }))).toEqual({ at, id: ID });
    }
    for (const at of ['0000-01-01 00:00:00+00', '2024-02-30 00:00:00+00', '2024-01-01 24:00:00+00', 'now']) {
      expect(decodeKeyset(encodeKeyset({ at, id: ID })), at).toBeNull();
    }
    expect(decodeKeyset(encodeKeyset({ at: '2026-05-01 10:00:00+08', id: 'x' }))).toBeNull();
    expect(KeysetCursor.safeParse('%%%').success).toBe(false);
    expect(KeysetCursor.safeParse(Buffer.from('{"a":1}').toString('base64url')).success).toBe(false);
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const parsed = KeysetCursor.safeParse(s);
        if (parsed.success) expect(decodeKeyset(s)).toEqual(parsed.data);
      }),
      { seed: 13, numRuns: 500 },
    );
  });
});

describe('the shared schemas refuse NUL at every door', () => {
  const nul = 'leak \u0000 here';
  it('desk contract, mutation args, REST intake and the CTI envelope', () => {
    expect(METHODS['tickets.comment'].input.safeParse({ id: ID, body: nul }).success).toBe(false);
    expect(
      METHODS['tickets.create'].input.safeParse({ type: 'repair', category: 'lift', channel: 'phone', title: nul })
        .success,
    ).toBe(false);
    expect(METHODS['tickets.tag'].input.safeParse({ id: ID, add: ['\ud800'] }).success).toBe(false);
    expect(() => parseMutation('ticket.comment', { id: ID, eventId: ID, body: nul })).toThrow(/NUL/);
    expect(() => parseMutation('ticket.setStatus', { id: ID, eventId: ID, status: 'on_hold', note: nul })).toThrow(
      /NUL/,
    );
    expect(
      IntakeRequest.safeParse({ type: 'repair', category: 'lift', channel: 'app', title: 'ok', description: nul })
        .success,
    ).toBe(false);
    const ringing = {
      v: 1,
      type: 'call.ringing',
      eventId: 'e1',
      callId: 'c1',
      ts: '2026-05-01T00:00:00Z',
      source: 'pbx',
      direction: 'inbound',
      from: '138',
    };
    expect(CallEvent.safeParse(ringing).success).toBe(true);
    expect(CallEvent.safeParse({ ...ringing, callerName: nul }).success).toBe(false);
    expect(CallEvent.safeParse({ ...ringing, ts: '2024-02-30T00:00:00Z' }).success).toBe(false);
  });
});

describe('ticket codes as typed at the desk and the kiosk (TicketCodeInput)', () => {
  it('takes every code the server prints, the 10,000th of a day included, in any case', () => {
    for (const seq of [1, 42, 9_999, 10_000, 123_456]) {
      const code = formatTicketCode('repair', '2026-11-26', seq);
      expect(TicketCodeInput.parse(code)).toBe(code);
      expect(TicketCodeInput.parse(` ${code.toLowerCase()} `)).toBe(code);
    }
    expect(formatTicketCode('fee', '2026-11-26', 12_345)).toBe('CJ-20261126-12345');
  });

  it('refuses what no code looks like', () => {
    for (const bad of ['BX-20261126-042', 'BX-2026112-0042', 'BXX-20261126-0042', 'BX20261126-0042', 'BX-20261126-']) {
      expect(TicketCodeInput.safeParse(bad).success, bad).toBe(false);
    }
  });
});
