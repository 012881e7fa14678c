/**
 * Caller-ID over a real desk cache (issue 10 item 5): `known` from the residents directory, `maybe` from earlier
 * tickets and calls linked to a resident, known first, each resident once, withheld and invalid numbers without
 * candidates — and every read answered from an index. The cache holds numbers masked with their keyed hashes
 * (issue 11 §4): the whole incoming number is found by its hash, and no whole number is kept.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Call } from '../../common/domain';
import type { DirectoryResident } from '../../common/residents/directory';
import { createResidentRepo } from '../../main/cache/residents';
import { CALLER_ID_SQL, CANDIDATE_CAP, createCallerIdLookup, type CallerIdLookup } from '../../main/cti/caller-id';
import { openTempCache, testTicket } from '../support/cache';
import { directoryPhone, testPhoneHash } from '../support/phone-hash';

const unit = (id: string, code: string) => ({ id, code, projectId: 'p1', projectName: '锦绣华庭', relation: 'owner' });
const resident = (id: string, name: string, phones: string[], units = [unit(`u-${id}`, `1-1-${id}`)], tags = []) =>
  ({
    id,
    name,
    tags,
    phones: phones.map(directoryPhone),
    units,
  }) satisfies DirectoryResident;

/** The family at 3-1-502 shares the flat's landline; 张伟 also has a mobile. */
const FAMILY_LANDLINE = '+862162345678';
const RESIDENTS: DirectoryResident[] = [
  { ...resident('r1', '张伟', ['138 0013 8000', '021-6234 5678'], [unit('u1', '3-1-502')]), tags: ['elderly'] },
  resident('r2', '李娜', ['(021) 6234 5678'], [unit('u1', '3-1-502')]),
  resident('r3', '王芳', ['+86 21 6234 5678'], [unit('u1', '3-1-502')]),
  resident('r4', '赵敏', ['139 1111 2222'], [unit('u4', '7-2-1101'), unit('u5', '7-2-1102')]),
  resident('r5', '陈静', ['137 0000 9999']),
];

let cache: ReturnType<typeof openTempCache>;
let callerId: CallerIdLookup;

beforeEach(() => {
  cache = openTempCache('desk-caller-id-');
  createResidentRepo(cache.repos.db, testPhoneHash).applyPage(RESIDENTS, '1:5');
  callerId = createCallerIdLookup(cache.repos.db, testPhoneHash);
});
afterEach(() => cache.dispose());

let n = 0;
function pastCall(from: string, residentId: string | null, startedAt: string): void {
  n++;
  const id = `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  cache.repos.calls.put(
    Call.parse({
      id,
      callId: `pbx-${n}`,
      direction: 'inbound',
      from,
      to: '4008001234',
      agentId: null,
      residentId,
      ticketId: null,
      startedAt,
      answeredAt: null,
      endedAt: startedAt,
      missed: false,
      notes: '',
      loggedAt: startedAt,
      fromE164: from.startsWith('+') ? from : null,
    }),
  );
}

const summary = (raw: string) => callerId.lookup(raw).candidates.map((c) => `${c.residentId}:${c.confidence}`);

describe('caller-ID lookup', () => {
  it('a resident’s own phone is known, with their name, units and tags, however the PBX writes it', () => {
    for (const raw of ['13800138000', '+8613800138000', 'sip:013800138000@pbx.local', '0086 138-0013-8000']) {
      const { number, candidates } = callerId.lookup(raw);
      expect(number).toEqual({ kind: 'number', e164: '+8613800138000', national: '13800138000' });
      expect(candidates).toEqual([
        {
          residentId: 'r1',
          name: '张伟',
          confidence: 'known',
          units: [{ id: 'u1', code: '3-1-502' }],
          tags: ['elderly'],
        },
      ]);
    }
    expect(callerId.lookup('139-1111-2222').candidates[0]?.units).toEqual([
      { id: 'u4', code: '7-2-1101' },
      { id: 'u5', code: '7-2-1102' },
    ]);
  });

  it('a landline several residents share gives each of them, for the agent to choose', () => {
    const { number, candidates } = callerId.lookup('021-62345678');
    expect(number).toMatchObject({ kind: 'number', e164: FAMILY_LANDLINE, national: '02162345678' });
    expect(candidates.map((c) => [c.name, c.confidence])).toEqual([
      ['李娜', 'known'],
      ['王芳', 'known'],
      ['张伟', 'known'],
    ]);
    // The extension is the caller's, the switchboard's number finds the residents.
    expect(callerId.lookup('021 6234 5678 转 12').number).toMatchObject({ extension: '12' });
    expect(summary('021 6234 5678 转 12')).toHaveLength(3);
  });

  it('a number on an earlier ticket of a resident makes them a maybe, after the known ones', () => {
    // 陈静 called once from a neighbour's mobile (赵敏's), and once from an unknown number.
    cache.repos.tickets.put(testTicket(1, { residentId: 'r5', residentName: '陈静', phone: '139 1111 2222' }));
    cache.repos.tickets.put(testTicket(2, { residentId: 'r5', residentName: '陈静', phone: '+8615000001111' }));
    expect(summary('13911112222')).toEqual(['r4:known', 'r5:maybe']);
    expect(summary('150 0000 1111')).toEqual(['r5:maybe']);
    expect(callerId.lookup('150 0000 1111').candidates[0]).toMatchObject({
      name: '陈静',
      units: [{ id: 'u-r5', code: '1-1-r5' }],
    });
  });

  it('a number on an earlier call linked to a resident makes them a maybe; the latest sighting comes first', () => {
    pastCall('+8615000002222', 'r4', '2026-03-01T09:00:00+08:00');
    pastCall('+8615000002222', 'r2', '2026-03-05T09:00:00+08:00');
    cache.repos.tickets.put(
      testTicket(3, { residentId: 'r4', phone: '15000002222', updatedAt: '2026-03-09T09:00:00+08:00' }),
    );
    // Calls not linked to anyone say nothing about who calls.
    pastCall('+8615000002222', null, '2026-03-10T09:00:00+08:00');
    expect(summary('15000002222')).toEqual(['r4:maybe', 'r2:maybe']);
  });

  it('a resident is listed once, as known when the number is theirs, however often it was seen', () => {
    for (let i = 10; i < 20; i++) cache.repos.tickets.put(testTicket(i, { residentId: 'r1', phone: '13800138000' }));
    pastCall('+8613800138000', 'r1', '2026-03-01T09:00:00+08:00');
    pastCall('+8613800138000', 'r5', '2026-03-02T09:00:00+08:00');
    expect(summary('13800138000')).toEqual(['r1:known', 'r5:maybe']);
  });

  it('a resident not in the directory yet is named as their latest ticket from the number names them', () => {
    cache.repos.tickets.put(
      testTicket(4, {
        residentId: 'r9',
        residentName: '周杰',
        unitId: 'u9',
        unitCode: '9-1-101',
        phone: '15000003333',
      }),
    );
    // Only seen on a call: nobody to show, so no candidate.
    pastCall('+8615000003333', 'r10', '2026-03-01T09:00:00+08:00');
    expect(callerId.lookup('15000003333').candidates).toEqual([
      { residentId: 'r9', name: '周杰', confidence: 'maybe', units: [{ id: 'u9', code: '9-1-101' }], tags: [] },
    ]);
  });

  it('stops at the cap', () => {
    const many = Array.from({ length: 14 }, (_, i) => resident(`s${i}`, `住户${i}`, ['0755-2345 6789']));
    createResidentRepo(cache.repos.db, testPhoneHash).applyPage(many, '2:14');
    const { candidates } = callerId.lookup('075523456789');
    expect(candidates).toHaveLength(CANDIDATE_CAP);
    expect(new Set(candidates.map((c) => c.residentId)).size).toBe(CANDIDATE_CAP);
  });

  it('withheld and invalid numbers have no candidates', () => {
    cache.repos.tickets.put(testTicket(5, { residentId: 'r5', phone: 'anonymous' }));
    for (const raw of ['anonymous', '', '未知', 'sip:anonymous@anonymous.invalid', null]) {
      expect(callerId.lookup(raw)).toEqual({ number: { kind: 'withheld' }, candidates: [] });
    }
    expect(callerId.lookup('95588')).toEqual({ number: { kind: 'invalid', raw: '95588' }, candidates: [] });
  });

  it('answers every read from an index, most of them without touching the table', () => {
    const plan = (sql: string, ...params: unknown[]) =>
      cache.repos.db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((r) => (r as { detail: string }).detail)
        .join(' | ');
    const hash = testPhoneHash('+8613800138000');
    expect(plan(CALLER_ID_SQL.knownIds, hash, 10)).toMatch(/^SEARCH resident_phones USING COVERING INDEX .*hash=/);
    expect(plan(CALLER_ID_SQL.ticketSightings, hash, 10)).toMatch(
      /^SEARCH tickets USING COVERING INDEX tickets_by_phone_resident \(phone_hash=\?/,
    );
    expect(plan(CALLER_ID_SQL.callSightings, hash, 10)).toMatch(
      /^SEARCH calls USING COVERING INDEX calls_by_number_resident \(from_hash=\?/,
    );
    expect(plan(CALLER_ID_SQL.resident, 'r1')).toMatch(/^SEARCH residents USING INDEX .*\(id=\?\)$/);
    expect(plan(CALLER_ID_SQL.units, 'r1')).toMatch(/^SEARCH resident_units USING PRIMARY KEY \(resident_id=\?\)/);
    expect(plan(CALLER_ID_SQL.ticketFallback, hash, 'r1')).toMatch(
      /^SEARCH tickets USING INDEX tickets_by_phone_resident \(phone_hash=\? AND resident_id=\?\)$/,
    );
  });

  it('keeps no whole number: the directory, tickets and calls hold the masked form and its hash', () => {
    cache.repos.tickets.put(testTicket(7, { residentId: 'r5', phone: '+8615000004444' }));
    pastCall('+8615000004444', 'r5', '2026-03-01T09:00:00+08:00');
    const everything = JSON.stringify(
      ['resident_phones', 'tickets', 'tickets_fts', 'calls'].map((table) =>
        cache.repos.db.prepare(`SELECT * FROM ${table}`).all(),
      ),
    );
    for (const whole of ['13800138000', '15000004444', '62345678', '13911112222']) {
      expect(everything).not.toContain(whole);
    }
    expect(everything).toContain('150 **** 4444');
    expect(summary('+8615000004444')).toEqual(['r5:maybe']);
  });

  it('finds nobody by a whole number without the session’s secret (signed out)', () => {
    const signedOut = createCallerIdLookup(cache.repos.db, () => null);
    expect(signedOut.lookup('13800138000').candidates).toEqual([]);
    expect(callerId.lookup('13800138000').candidates).toHaveLength(1);
  });

  it('a cached (masked) call finds its caller by the hash it carries', () => {
    expect(callerId.byHash(testPhoneHash('+8613800138000')).map((c) => c.residentId)).toEqual(['r1']);
    expect(callerId.byHash(null)).toEqual([]);
  });
});
