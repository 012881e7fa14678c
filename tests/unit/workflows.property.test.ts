/**
 * Workflows as data (DESIGN.md §4, issue 4 items 1, 6, 9): property tests of the one transition engine.
 * - random tickets × random targets × random outputs × random roles: accepted iff the table allows the step and
 *   the outputs it requires are complete (an oracle written from the table, not from the engine);
 * - the desk's applyMutation and the server's push path (PGlite in memory) reach the same outcome;
 * - follow-up: satisfaction ≤ 2 reopens instead of closing;
 * - fee reminders: lawful actions only, and nothing in common/workflows can cut water, power, heating, gas or lifts.
 */
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NO_SLA,
  ROLES,
  STATUSES,
  TICKET_TYPES,
  type Role,
  type Ticket,
  type TicketStatus,
  type TicketType,
  type User,
} from '../../common/domain';
import { MutationRejected, applyMutation, parseMutation, type MutationContext } from '../../common/mutations';
import { SYNC_SCHEMA_VERSION } from '../../common/sync';
import {
  FEE_CONTACT_METHODS,
  FEE_ESCALATION_TARGETS,
  OUTPUT_KEYS,
  STAFF_ROLES,
  StatusOutputs,
  WORKFLOWS,
  WORKFLOW_DEFS,
  awaitingFollowUp,
  canTransition,
  nextStatuses,
  validateTransition,
  type OutputKey,
} from '../../common/workflows';
import type { Db } from '../../server/db/driver';
import { pushMutations } from '../../server/sync/push';
import { loadEvents, loadTicket } from '../../server/tickets/store';
import { BACKENDS } from '../integration/support/backends';
import { seedFixtures } from '../integration/support/fixtures';

const NOW = new Date('2026-11-26T02:00:00.000Z');
const ACTOR = '00000000-0000-4000-8000-000000000001';

function ticket(type: TicketType, status: TicketStatus, extra: Partial<Ticket> = {}): Ticket {
  return {
    id: randomUUID(),
    code: 'BX-20261126-0001',
    type,
    category: 'plumbing',
    channel: 'phone',
    priority: 2,
    status,
    title: '厨房漏水',
    description: '',
    unitId: null,
    unitCode: '3-1-502',
    residentId: null,
    residentName: null,
    phone: null,
    teamId: 'plumbing',
    assigneeId: '00000000-0000-4000-8000-000000000009',
    createdBy: ACTOR,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    closedAt: null,
    version: 3,
    tags: [],
    ...NO_SLA,
    phoneHash: null,
    ...extra,
  };
}

/**
 * A status change by a member of the ticket's team (so who may act is never the question here, see
 * common/ticket-access): an agent unless `by.role` says otherwise — `role: undefined` is an actor without a role.
 */
function setStatus(
  t: Ticket,
  status: TicketStatus,
  outputs?: unknown,
  note = '',
  by: { role?: Role | undefined; reason?: string | undefined } = {},
) {
  const args: Record<string, unknown> = { id: t.id, eventId: randomUUID(), status, note };
  if (outputs !== undefined) args.outputs = outputs;
  if (by.reason !== undefined) args.reason = by.reason;
  const m = parseMutation('ticket.setStatus', args);
  const actorRole = 'role' in by ? by.role : 'agent';
  const ctx: MutationContext = { actorId: ACTOR, now: NOW, current: t, code: null, actorRole, actorTeamId: t.teamId };
  return applyMutation(m, ctx);
}

function rejection(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (err instanceof MutationRejected) return err.code;
    throw err;
  }
}

// ———————————————————————————————— arbitraries ————————————————————————————————

const blank = fc.constantFrom('', '   ');
const text = fc.oneof(blank, fc.constantFrom('PPR 管 2 米', 'replaced the valve', '已联系住户'));
const outputsArb = fc.record(
  {
    photos: fc.array(fc.oneof(blank, fc.constantFrom('att:1a2b', 'att:3c4d')), { maxLength: 3 }),
    materials: text,
    workNotes: text,
    reply: text,
    followUp: fc.record(
      {
        reached: fc.boolean(),
        satisfaction: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
        comment: text,
      },
      { requiredKeys: ['reached'] },
    ),
    reason: text,
    promiseDate: fc.constantFrom('2026-12-01', '2027-01-15'),
    contact: fc.constantFrom(...FEE_CONTACT_METHODS),
    escalateTo: fc.constantFrom(...FEE_ESCALATION_TARGETS),
  },
  { requiredKeys: [] },
);
type RawOutputs = typeof outputsArb extends fc.Arbitrary<infer T> ? T : never;

/** A ticket in a status of its workflow (sometimes any status), and a target that is often a listed next step. */
const caseArb = fc.constantFrom(...TICKET_TYPES).chain((type) =>
  fc
    .oneof(
      { weight: 5, arbitrary: fc.constantFrom(...(Object.keys(WORKFLOWS[type]) as TicketStatus[])) },
      { weight: 1, arbitrary: fc.constantFrom(...STATUSES) },
    )
    .chain((from) => {
      const next = nextStatuses(type, from);
      const to =
        next.length > 0
          ? fc.oneof(
              { weight: 3, arbitrary: fc.constantFrom(...next) },
              { weight: 1, arbitrary: fc.constantFrom(...STATUSES) },
            )
          : fc.constantFrom(...STATUSES);
      return fc.record({
        type: fc.constant(type),
        from: fc.constant(from),
        to,
        outputs: fc.option(outputsArb, { nil: undefined }),
        note: fc.constantFrom('', '住户外出，约下周', '  '),
        role: fc.option(fc.constantFrom(...ROLES), { nil: undefined }),
        reason: fc.option(fc.constantFrom('', '  ', '住户撤回报修'), { nil: undefined }),
      });
    }),
);

// ———————————————————————————————— the oracle (from the table, not the engine) ————————————————————————————————

const nonBlank = (s: string | undefined) => typeof s === 'string' && s.trim() !== '';

function complete(key: OutputKey, o: RawOutputs, note: string): boolean {
  switch (key) {
    case 'photos':
      return (o.photos ?? []).some(nonBlank);
    case 'reason':
      return nonBlank(o.reason) || nonBlank(note);
    case 'followUp': {
      const f = o.followUp;
      if (!f) return false;
      const sat = f.satisfaction ?? null;
      return f.reached ? sat !== null : sat === null && nonBlank(f.comment);
    }
    case 'contact':
    case 'escalateTo':
      return o[key] !== undefined;
    default:
      return nonBlank(o[key]);
  }
}

function expected(c: {
  type: TicketType;
  from: TicketStatus;
  to: TicketStatus;
  outputs: RawOutputs | undefined;
  note: string;
  role: Role | undefined;
  reason: string | undefined;
}): { ok: true; status: TicketStatus } | { ok: false; code: string } {
  // Who may act comes first (common/ticket-access): no role, the kiosk or the PBX may not; cancelling needs a reason.
  if (c.role === undefined || !STAFF_ROLES.includes(c.role)) return { ok: false, code: 'forbidden' };
  if (c.to === 'cancelled' && !nonBlank(c.reason)) return { ok: false, code: 'reason_required' };
  if (c.from === c.to) return { ok: false, code: 'no_change' };
  const edge = WORKFLOW_DEFS[c.type].steps.find((s) => s.status === c.from)?.next.find((t) => t.to === c.to);
  if (!edge) return { ok: false, code: 'illegal_transition' };
  const o = c.outputs ?? {};
  if (c.to === 'escalated' && o.escalateTo === 'legal' && c.role !== 'lead' && c.role !== 'admin') {
    return { ok: false, code: 'forbidden' };
  }
  if (!edge.requires.every((k) => complete(k, o, c.note))) return { ok: false, code: 'missing_outputs' };
  const f = o.followUp;
  const low = f?.reached === true && f.satisfaction != null && f.satisfaction <= 2;
  const reopens = c.to === 'closed' && (c.type === 'repair' || c.type === 'complaint') && low;
  return { ok: true, status: reopens ? 'reopened' : c.to };
}

// ———————————————————————————————— properties ————————————————————————————————

describe('workflow engine (properties)', () => {
  it('accepts a status change iff the table allows it, the role may, and the required outputs are complete', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const t = ticket(c.type, c.from);
        const want = expected(c);
        let got: { ok: true; status: TicketStatus; effect: ReturnType<typeof setStatus> } | { ok: false; code: string };
        try {
          const effect = setStatus(t, c.to, c.outputs, c.note, { role: c.role, reason: c.reason });
          got = { ok: true, status: effect.ticket.status, effect };
        } catch (err) {
          if (!(err instanceof MutationRejected)) throw err;
          got = { ok: false, code: err.code };
        }
        if (!want.ok || !got.ok) {
          expect(got).toEqual(want);
          return;
        }
        expect(got.status).toBe(want.status);
        const { ticket: after, events } = got.effect;
        expect(after).toMatchObject({ version: t.version + 1, teamId: t.teamId, assigneeId: t.assigneeId });
        expect(after.closedAt !== null).toBe(want.status === 'closed' || want.status === 'cancelled');
        expect(events).toHaveLength(1);
        expect(events[0]?.data).toMatchObject({ from: c.from, to: want.status });
        if (c.outputs !== undefined) expect(events[0]?.data.outputs).toEqual(StatusOutputs.parse(c.outputs));
      }),
      { numRuns: 3000 },
    );
  });

  it('never lands outside the table: every accepted change is a listed step (or the follow-up reopen)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const r = validateTransition(
          { type: c.type, status: c.from },
          c.to,
          c.outputs && StatusOutputs.parse(c.outputs),
          c.role,
          c.note,
        );
        if (!r.ok) return;
        expect(canTransition(c.type, c.from, c.to)).toBe(true);
        if (r.status !== c.to) expect([r.status, c.to, r.reopenedByFollowUp]).toEqual(['reopened', 'closed', true]);
      }),
      { numRuns: 2000 },
    );
  });

  it('the desk (no role known) accepts whatever the server accepts, and differs only by role checks', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const outputs = c.outputs && StatusOutputs.parse(c.outputs);
        const server = validateTransition({ type: c.type, status: c.from }, c.to, outputs, c.role, c.note);
        const desk = validateTransition({ type: c.type, status: c.from }, c.to, outputs, undefined, c.note);
        if (server.ok) expect(desk).toEqual(server);
        else if (server.code !== 'forbidden') expect(desk).toEqual(server);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('workflow table', () => {
  it('every step has labels, a standard, an owner or none, limits monotonic in priority, targets in its workflow', () => {
    for (const type of TICKET_TYPES) {
      const wf = WORKFLOW_DEFS[type];
      const own = new Set(wf.steps.map((s) => s.status));
      expect(own.size).toBe(wf.steps.length);
      expect(own.has('new')).toBe(true);
      for (const s of wf.steps) {
        expect(STATUSES).toContain(s.status);
        for (const l of [s.label, s.standard]) {
          expect(l.zh.trim()).not.toBe('');
          expect(l.en.trim()).not.toBe('');
        }
        if (s.limit) {
          expect(s.limit.minutes).toHaveLength(5);
          s.limit.minutes.forEach((m, i) => {
            expect(m).toBeGreaterThan(0);
            if (i > 0) expect(m).toBeGreaterThanOrEqual(s.limit!.minutes[i - 1]!);
          });
        }
        for (const t of s.next) {
          expect(own.has(t.to), `${type}: ${s.status} → ${t.to}`).toBe(true);
          for (const k of t.requires) expect(OUTPUT_KEYS).toContain(k);
          expect(t.roles).not.toContain('kiosk');
        }
      }
    }
  });

  it('requires what the SOP says to leave a step', () => {
    const req = (type: TicketType, from: TicketStatus, to: TicketStatus) =>
      WORKFLOW_DEFS[type].steps.find((s) => s.status === from)?.next.find((t) => t.to === to)?.requires;
    expect(req('repair', 'on_site', 'done')).toEqual(['photos', 'materials', 'workNotes']);
    expect(req('repair', 'confirmed', 'closed')).toEqual(['followUp']);
    expect(req('complaint', 'investigating', 'replied')).toEqual(['reply']);
    expect(req('complaint', 'replied', 'closed')).toEqual(['followUp']);
    expect(req('repair', 'accepted', 'on_hold')).toEqual(['reason']);
    expect(req('fee', 'contacted', 'promised')).toEqual(['promiseDate']);
    expect(req('fee', 'new', 'contacted')).toEqual(['contact']);
    expect(req('fee', 'contacted', 'escalated')).toEqual(['escalateTo']);
    // Every way into `closed` for repair and complaint goes through the follow-up record.
    for (const type of ['repair', 'complaint'] as const) {
      for (const s of WORKFLOW_DEFS[type].steps) {
        for (const t of s.next.filter((n) => n.to === 'closed')) expect(t.requires).toContain('followUp');
      }
    }
  });

  it('lists the tickets waiting for their follow-up call', () => {
    expect(awaitingFollowUp({ type: 'repair', status: 'confirmed' })).toBe(true);
    expect(awaitingFollowUp({ type: 'complaint', status: 'replied' })).toBe(true);
    expect(awaitingFollowUp({ type: 'repair', status: 'on_site' })).toBe(false);
    expect(awaitingFollowUp({ type: 'enquiry', status: 'new' })).toBe(false);
  });
});

describe('status outputs in applyMutation', () => {
  const done = { photos: ['att:1'], materials: '角阀 1 个', workNotes: '更换角阀，试水无渗漏' };

  it('finishing a repair needs photos, materials and work notes, and records them in the event', () => {
    const t = ticket('repair', 'on_site');
    expect(() => setStatus(t, 'done')).toThrow(expect.objectContaining({ code: 'missing_outputs' }));
    expect(rejection(() => setStatus(t, 'done', { ...done, photos: [] }))).toBe('missing_outputs');
    const { ticket: after, events } = setStatus(t, 'done', done);
    expect(after.status).toBe('done');
    expect(events[0]?.data).toEqual({ from: 'on_site', to: 'done', outputs: done });
  });

  it('a complaint reply must be written', () => {
    const t = ticket('complaint', 'investigating');
    expect(rejection(() => setStatus(t, 'replied', { reply: '  ' }))).toBe('missing_outputs');
    expect(setStatus(t, 'replied', { reply: '经核实，已整改。' }).ticket.status).toBe('replied');
  });

  it('follow-up satisfaction ≤ 2 reopens (返修) to the same team with the comment; 3 closes', () => {
    for (const [type, from] of [
      ['repair', 'confirmed'],
      ['complaint', 'replied'],
    ] as const) {
      const t = ticket(type, from);
      const low = { reached: true, satisfaction: 2, comment: '还是漏水' };
      const { ticket: reopened, events } = setStatus(t, 'closed', { followUp: low });
      expect(reopened).toMatchObject({ status: 'reopened', closedAt: null, teamId: 'plumbing' });
      expect(reopened.assigneeId).toBe(t.assigneeId);
      expect(events[0]).toMatchObject({
        kind: 'status',
        body: '还是漏水',
        data: { from, to: 'reopened', requested: 'closed', outputs: { followUp: low } },
      });
      expect(canTransition(type, 'reopened', type === 'repair' ? 'dispatched' : 'investigating')).toBe(true);

      const ok = setStatus(t, 'closed', { followUp: { reached: true, satisfaction: 3, comment: '' } }).ticket;
      expect(ok).toMatchObject({ status: 'closed', closedAt: NOW.toISOString() });
      // Not reached: closes with the attempt recorded, but never without it and never with a score.
      const tries = { reached: false, comment: '三次未接通' };
      expect(setStatus(t, 'closed', { followUp: tries }).ticket.status).toBe('closed');
      expect(rejection(() => setStatus(t, 'closed', { followUp: { reached: false } }))).toBe('missing_outputs');
      expect(rejection(() => setStatus(t, 'closed', { followUp: { ...tries, satisfaction: 4 } }))).toBe(
        'missing_outputs',
      );
      expect(rejection(() => setStatus(t, 'closed'))).toBe('missing_outputs');
    }
  });

  it('stays compatible with mutations already in outboxes (no outputs)', () => {
    const m = parseMutation('ticket.setStatus', { id: randomUUID(), eventId: randomUUID(), status: 'accepted' });
    expect(m.args.outputs).toBeUndefined();
    expect(setStatus(ticket('repair', 'new'), 'accepted').ticket.status).toBe('accepted');
    // The note has always been where the reason went.
    expect(setStatus(ticket('repair', 'accepted'), 'on_hold', undefined, '等配件').ticket.status).toBe('on_hold');
    expect(rejection(() => setStatus(ticket('repair', 'accepted'), 'on_hold'))).toBe('missing_outputs');
    // Cancelling needs a reason since issue 11 (common/ticket-access): an old queued cancel is refused with it.
    expect(rejection(() => setStatus(ticket('repair', 'new'), 'cancelled'))).toBe('reason_required');
    expect(setStatus(ticket('repair', 'new'), 'cancelled', undefined, '', { reason: '重复报修' }).ticket.status).toBe(
      'cancelled',
    );
  });

  it('refuses malformed outputs at parse time', () => {
    const base = { id: randomUUID(), eventId: randomUUID(), status: 'promised' };
    expect(() => parseMutation('ticket.setStatus', { ...base, outputs: { promiseDate: '2026-02-30' } })).toThrow();
    expect(() =>
      parseMutation('ticket.setStatus', { ...base, outputs: { followUp: { reached: true, satisfaction: 6 } } }),
    ).toThrow();
    expect(() =>
      parseMutation('ticket.setStatus', { ...base, outputs: { contact: 'visit_with_locksmith' } }),
    ).toThrow();
  });

  it('role checks run where the role is known: kiosk never, legal escalation by a lead', () => {
    expect(rejection(() => setStatus(ticket('repair', 'new'), 'accepted', undefined, '', { role: 'kiosk' }))).toBe(
      'forbidden',
    );
    const t = ticket('fee', 'contacted');
    expect(rejection(() => setStatus(t, 'escalated', { escalateTo: 'legal' }, '', { role: 'agent' }))).toBe(
      'forbidden',
    );
    expect(setStatus(t, 'escalated', { escalateTo: 'legal' }, '', { role: 'lead' }).ticket.status).toBe('escalated');
    expect(setStatus(t, 'escalated', { escalateTo: 'finance' }, '', { role: 'agent' }).ticket.status).toBe('escalated');
    expect(STAFF_ROLES).not.toContain('kiosk');
  });
});

// ———————————————————————————————— fee reminders: lawful only ————————————————————————————————

/** Cutting off utilities or lift access to press for fees is unlawful (民法典 第944条: 不得采取停止供电、供水、供热、供燃气等方式催交). */
const CUT_OFF = [
  /停\s*[水电暖气梯]/,
  /断\s*[水电暖气梯]/,
  /限\s*[水电]/,
  /(停|关|锁)\s*(供|电梯|梯)/,
  /(cut|shut|switch|turn)[\s_-]*(off)?[\s_-]*(the[\s_-]*)?(water|power|electric|heat|gas|lift|elevator)/i,
  /(water|power|electric|heat|gas|lift|elevator)[\s_-]*(cut|shut|off|lock|suspen|disconnect)/i,
  /disconnect|suspend[\s_-]*(service|supply)|lock[\s_-]*out/i,
];

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  }
  return out;
}

/** The code of a TypeScript file without its comments (the prohibition itself is documented in comments). */
const withoutComments = (src: string) => src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');

describe('fee reminders are lawful only', () => {
  it('offers exactly call / message / letter reminders and finance / legal escalation', () => {
    expect([...FEE_CONTACT_METHODS].sort()).toEqual(['call', 'letter', 'message']);
    expect([...FEE_ESCALATION_TARGETS].sort()).toEqual(['finance', 'legal']);
    expect(Object.keys(StatusOutputs.shape).sort()).toEqual([...OUTPUT_KEYS].sort());
  });

  it('nothing in the workflow data or in common/workflows can cut water, power, heating, gas or lift access', () => {
    const data = strings({ WORKFLOW_DEFS, FEE_CONTACT_METHODS, FEE_ESCALATION_TARGETS, OUTPUT_KEYS });
    for (const s of data) for (const re of CUT_OFF) expect(re.test(s), `"${s}" matches ${re}`).toBe(false);

    const dir = join(__dirname, '../../common/workflows');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const code = withoutComments(readFileSync(join(dir, f), 'utf8'));
      for (const re of CUT_OFF) expect(re.test(code), `${f} matches ${re}`).toBe(false);
    }
  });

  it('the scanner does catch such an action', () => {
    for (const bad of ['停水', '停电催缴', '断气', 'cut_off_water', 'shutOffPower', 'lift_lockout', 'disconnect_gas']) {
      expect(
        CUT_OFF.some((re) => re.test(bad)),
        bad,
      ).toBe(true);
    }
  });
});

// ———————————————————————————————— client and server: the same validation ————————————————————————————————

const pglite = BACKENDS.find((b) => b.name === 'pglite')!;

describe('the desk and the server reach the same outcome (PGlite, push path)', () => {
  let db: Db;
  let dispose: () => Promise<void>;
  let users: User[];

  beforeAll(async () => {
    ({ db, dispose } = await pglite.open());
    const fx = await seedFixtures(db);
    users = [fx.agent, fx.lead, fx.kiosk];
  });
  afterAll(async () => dispose?.());

  async function push(user: User, name: string, args: unknown) {
    const req = { clientId: randomUUID(), schemaVersion: SYNC_SCHEMA_VERSION, mutations: [{ id: 1, name, args }] };
    const res = await pushMutations(db, user, JSON.parse(JSON.stringify(req)), NOW);
    return res.results[0]!;
  }

  it('over 60 random status changes', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, fc.nat({ max: 2 }), async (c, u) => {
        const user = users[u]!;
        const id = randomUUID();
        const created = await push(users[0]!, 'ticket.create', {
          id,
          eventId: randomUUID(),
          type: c.type,
          category: 'plumbing',
          channel: 'phone',
          title: '厨房漏水',
          teamId: 'plumbing',
        });
        expect(created.outcome).toBe('applied');
        await db.query('UPDATE tickets SET status = $2 WHERE id = $1', [id, c.from]);
        const current = (await loadTicket(db, id))!;
        expect(current.status).toBe(c.from);

        const args: Record<string, unknown> = { id, eventId: randomUUID(), status: c.to, note: c.note };
        if (c.outputs !== undefined) args.outputs = c.outputs;
        if (c.reason !== undefined) args.reason = c.reason;
        // The desk: what its outbox runs optimistically (here with the role, as the server knows it).
        let local: { ok: true; ticket: Ticket; data: unknown } | { ok: false; code: string };
        try {
          const m = parseMutation('ticket.setStatus', JSON.parse(JSON.stringify(args)));
          const e = applyMutation(m, {
            actorId: user.id,
            now: NOW,
            current,
            code: null,
            actorRole: user.role,
            actorTeamId: user.teamId,
          });
          local = { ok: true, ticket: e.ticket, data: e.events[0]?.data };
        } catch (err) {
          if (!(err instanceof MutationRejected)) throw err;
          local = { ok: false, code: err.code };
        }
        const result = await push(user, 'ticket.setStatus', args);
        const after = (await loadTicket(db, id))!;
        if (!local.ok) {
          expect(result).toMatchObject({ outcome: 'rejected', error: { code: local.code } });
          expect(after.status).toBe(c.from);
          return;
        }
        expect(result.outcome).toBe('applied');
        expect(after.status).toBe(local.ticket.status);
        expect(after.closedAt !== null).toBe(local.ticket.closedAt !== null);
        const ev = (await loadEvents(db, id)).find((e) => e.id === args.eventId);
        expect(ev?.data).toEqual(local.data);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
