/**
 * The SOP card's "still needed to advance" checklist and the step form's check (renderer/src/features/console/
 * sop): both must agree with the shared transition engine. The renderer modules are loaded by path because they
 * belong to the web TypeScript project, not this (node) one; the local types below mirror their exports.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STATUSES, TICKET_TYPES, type Role, type TicketStatus, type TicketType } from '../../common/domain';
import { nextStatuses, validateTransition, type OutputKey, type StatusOutputs } from '../../common/workflows';

interface StepDraft {
  photos: string;
  materials: string;
  workNotes: string;
  reply: string;
  reason: string;
  promiseDate: string;
  contact: string;
  escalateTo: string;
  followUpReached: boolean;
  satisfaction: number | null;
  followUpComment: string;
  note: string;
}
type Ticketish = { type: TicketType; status: TicketStatus };
interface Checklist {
  to: TicketStatus;
  requires: { key: OutputKey; done: boolean }[];
  ready: boolean;
}
type Check =
  | { ok: true; outputs: StatusOutputs; note: string; lands: TicketStatus; reopens: boolean }
  | { ok: false; fields: Partial<Record<OutputKey, 'required' | 'invalid'>>; code: string; message: unknown };

const sop = '../../renderer/src/features/console/sop';
const { nextStepChecklist } = (await import(/* @vite-ignore */ `${sop}/checklist.ts`)) as {
  nextStepChecklist(ticket: Ticketish, draft?: StepDraft): Checklist[];
};
const { EMPTY_DRAFT, checkStepForm } = (await import(/* @vite-ignore */ `${sop}/stepDraft.ts`)) as {
  EMPTY_DRAFT: StepDraft;
  checkStepForm(ticket: Ticketish, to: TicketStatus, draft: StepDraft, role?: Role, reasonRequired?: boolean): Check;
};
const { openStepFormRequest } = (await import(/* @vite-ignore */ `${sop}/stepFormStore.ts`)) as {
  openStepFormRequest(arg: unknown): void;
};

const draft = (patch: Partial<StepDraft> = {}): StepDraft => ({ ...EMPTY_DRAFT, ...patch });
const ticked = (list: Checklist[], to: TicketStatus) => list.find((c) => c.to === to);

describe('SOP checklist', () => {
  it('lists exactly the allowed next steps of every type and status', () => {
    for (const type of TICKET_TYPES) {
      for (const status of STATUSES) {
        const tos = nextStepChecklist({ type, status }).map((c) => c.to);
        expect(tos, `${type}/${status}`).toEqual([...nextStatuses(type, status)]);
      }
    }
  });

  it('ticks a finished repair’s photos, materials and work notes only when each is really there', () => {
    const ticket = { type: 'repair' as const, status: 'on_site' as const };
    const empty = ticked(nextStepChecklist(ticket), 'done')!;
    expect(empty.requires).toEqual([
      { key: 'photos', done: false },
      { key: 'materials', done: false },
      { key: 'workNotes', done: false },
    ]);
    expect(empty.ready).toBe(false);

    const partial = ticked(
      nextStepChecklist(ticket, draft({ photos: '\n  \n', materials: '角阀 1 个', workNotes: '   ' })),
      'done',
    )!;
    expect(partial.requires.map((i) => i.done)).toEqual([false, true, false]);

    const full = ticked(
      nextStepChecklist(ticket, draft({ photos: 'IMG_0001.jpg\n', materials: '角阀 1 个', workNotes: '更换角阀' })),
      'done',
    )!;
    expect(full.ready).toBe(true);
    // on_hold needs a reason; the status note counts as one.
    expect(ticked(nextStepChecklist(ticket, draft({ note: '等配件' })), 'on_hold')!.ready).toBe(true);
  });

  it('ticks the follow-up: a score when reached, what was tried when not', () => {
    const ticket = { type: 'repair' as const, status: 'confirmed' as const };
    const close = (d: Partial<StepDraft>) => ticked(nextStepChecklist(ticket, draft(d)), 'closed')!.ready;
    expect(close({})).toBe(false);
    expect(close({ satisfaction: 4 })).toBe(true);
    expect(close({ followUpReached: false, satisfaction: 4 })).toBe(false);
    expect(close({ followUpReached: false, followUpComment: '拨打 3 次无人接听' })).toBe(true);
  });

  it('agrees with the step form check for any draft (the card never ticks what the form refuses)', () => {
    const text = fc.oneof(fc.constant(''), fc.constant('  '), fc.string({ maxLength: 8 }));
    const anyDraft = fc.record({
      photos: text,
      materials: text,
      workNotes: text,
      reply: text,
      reason: text,
      promiseDate: fc.constantFrom('', '2026-03-01', '2026-02-30', 'tomorrow'),
      contact: fc.constantFrom('', 'call', 'message', 'letter', 'visit'),
      escalateTo: fc.constantFrom('', 'finance', 'legal'),
      followUpReached: fc.boolean(),
      satisfaction: fc.constantFrom(null, 1, 2, 3, 4, 5, 0, 6),
      followUpComment: text,
      note: text,
    });
    const pairs = TICKET_TYPES.flatMap((type) =>
      STATUSES.filter((s) => nextStatuses(type, s).length > 0).map((status) => ({ type, status })),
    );
    fc.assert(
      fc.property(fc.constantFrom(...pairs), anyDraft, (ticket, d) => {
        for (const next of nextStepChecklist(ticket, d)) {
          expect(checkStepForm(ticket, next.to, d).ok).toBe(next.ready);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('step form check', () => {
  const confirmed = { type: 'repair' as const, status: 'confirmed' as const };

  it('closes at satisfaction 3 or more, reopens (返修) at 2 or less — as the engine decides', () => {
    const high = checkStepForm(confirmed, 'closed', draft({ satisfaction: 3, followUpComment: '满意' }));
    expect(high).toMatchObject({ ok: true, lands: 'closed', reopens: false });
    const low = checkStepForm(confirmed, 'closed', draft({ satisfaction: 2, followUpComment: '还在滴水' }));
    expect(low).toMatchObject({ ok: true, lands: 'reopened', reopens: true });
    if (!low.ok) throw new Error('unreachable');
    expect(low.outputs).toEqual({ followUp: { reached: true, satisfaction: 2, comment: '还在滴水' } });
    expect(validateTransition(confirmed, 'closed', low.outputs)).toMatchObject({ ok: true, status: 'reopened' });
  });

  it('asks for the reason the ticket rules require (cancelling) and sends it apart from the outputs', () => {
    const fresh = { type: 'repair' as const, status: 'new' as const };
    expect(checkStepForm(fresh, 'cancelled', draft({ note: '随手一写' }), 'agent', true)).toMatchObject({
      ok: false,
      fields: { reason: 'required' },
    });
    const check = checkStepForm(fresh, 'cancelled', draft({ reason: ' 住户撤回 ' }), 'agent', true);
    expect(check).toMatchObject({ ok: true, reason: '住户撤回', outputs: {} });
    // Where no reason is required none is sent, whatever the draft holds.
    expect(checkStepForm(fresh, 'accepted', draft({ reason: '无关' }), 'agent', false)).toMatchObject({
      ok: true,
      reason: undefined,
    });
  });

  it('sends only the outputs the transition requires', () => {
    const check = checkStepForm(
      { type: 'repair', status: 'on_site' },
      'done',
      draft({
        photos: ' a.jpg \n\nb.jpg',
        materials: '生料带',
        workNotes: '已修复',
        reply: 'not asked for',
        satisfaction: 5,
      }),
    );
    expect(check).toMatchObject({
      ok: true,
      outputs: { photos: ['a.jpg', 'b.jpg'], materials: '生料带', workNotes: '已修复' },
    });
    if (check.ok) expect(Object.keys(check.outputs).sort()).toEqual(['materials', 'photos', 'workNotes']);
  });

  it('names each missing or malformed output, and refuses what the engine refuses', () => {
    expect(checkStepForm(confirmed, 'closed', draft())).toMatchObject({
      ok: false,
      code: 'missing_outputs',
      fields: { followUp: 'required' },
    });
    const fee = { type: 'fee' as const, status: 'contacted' as const };
    expect(checkStepForm(fee, 'promised', draft({ promiseDate: '2026-02-30' }))).toMatchObject({
      ok: false,
      fields: { promiseDate: 'invalid' },
    });
    expect(checkStepForm(fee, 'promised', draft({ promiseDate: '2026-03-01' }))).toMatchObject({ ok: true });
    expect(checkStepForm(fee, 'escalated', draft({ escalateTo: 'legal' }), 'agent')).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    expect(checkStepForm(fee, 'escalated', draft({ escalateTo: 'legal' }), 'lead')).toMatchObject({ ok: true });
    expect(checkStepForm(fee, 'closed', draft())).toMatchObject({ ok: false, code: 'illegal_transition' });
  });
});

describe('ticket.stepForm action argument', () => {
  it('refuses anything but {ticketId: uuid, status} with a clear error', () => {
    expect(() => openStepFormRequest({ ticketId: 'BX-1', status: 'closed' })).toThrow(/ticket\.stepForm expects/);
    expect(() => openStepFormRequest({ ticketId: crypto.randomUUID(), status: 'shut' })).toThrow(/ticket\.stepForm/);
    expect(() => openStepFormRequest(undefined)).toThrow(/ticket\.stepForm/);
    expect(() => openStepFormRequest({ ticketId: crypto.randomUUID(), status: 'closed' })).not.toThrow();
  });
});
