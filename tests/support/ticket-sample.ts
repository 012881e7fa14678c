/**
 * A ticket with every declared field (common/ticket-fields) set to something other than its default, as a console
 * gets it from a pull: the phone masked, its keyed hash beside it. A field added to Ticket must be given a value
 * here (the type requires it; `everyFieldSet` rejects a default), so the round-trip tests cover it.
 */
import type { Ticket } from '../../common/domain';
import type { PhoneHasher } from '../../common/residents/phone-hash';
import { TICKET_FIELDS } from '../../common/ticket-fields';

/** The sample's number as the server records it. */
export const SAMPLE_PHONE = '+8613800138000';

export function sampleTicket(hash: PhoneHasher): Ticket {
  return {
    id: '6f1c2a4e-9b3d-4c5e-8f7a-1b2c3d4e5f60',
    code: 'BX-20261126-0042',
    type: 'repair',
    category: 'plumbing',
    channel: 'phone',
    priority: 2,
    status: 'on_hold',
    title: '厨房水管漏水',
    description: '住户来电反映厨房水管漏水',
    unitId: 'p1-3-1-502',
    unitCode: '3-1-502',
    residentId: 'r1',
    residentName: '张伟',
    phone: '138 **** 8000',
    teamId: 'cs',
    assigneeId: '22222222-2222-4222-8222-222222222222',
    createdBy: '33333333-3333-4333-8333-333333333333',
    createdAt: '2026-11-26T01:02:03.456Z',
    updatedAt: '2026-11-26T03:04:05.678Z',
    closedAt: '2026-11-27T09:00:00.000Z',
    version: 3,
    tags: ['elderly', 'vip'],
    slaMilestone: 'fix',
    slaStartedAt: '2026-11-26T01:02:03.456Z',
    slaDueAt: '2026-11-27T01:02:03.456Z',
    slaRiskAt: '2026-11-26T19:02:03.456Z',
    slaPausedAt: '2026-11-26T03:04:05.678Z',
    slaRemainingMinutes: 12.5,
    slaProvisional: true,
    slaPauses: [
      { start: '2026-11-26T02:00:00.000Z', end: '2026-11-26T02:30:00.000Z' },
      { start: '2026-11-26T03:04:05.678Z', end: null },
    ],
    phoneHash: hash(SAMPLE_PHONE),
  };
}

/** The declared fields `t` leaves at a default (null, '', false, 0, an empty list). */
export function everyFieldSet(t: Ticket): string[] {
  return TICKET_FIELDS.filter(({ field }) => {
    const v: unknown = t[field];
    return v === null || v === undefined || v === '' || v === false || v === 0 || (Array.isArray(v) && !v.length);
  }).map((f) => f.field);
}
