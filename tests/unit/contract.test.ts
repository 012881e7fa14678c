// The DeskApi contract: one table drives the client shape, input validation and the mutations' domain rules.
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  createDeskClient,
  dispatchDeskCall,
  type EVENT_NAMES,
  METHOD_NAMES,
  type DeskHandlers,
  type DeskTransport,
} from '../../common/contract';
import { applyMutation, MutationRejected, parseMutation } from '../../common/mutations';

function recordingTransport() {
  const calls: Array<[string, unknown]> = [];
  const transport: DeskTransport = {
    invoke: async (method, input) => {
      calls.push([method, input]);
      return 'ok';
    },
    subscribe: vi.fn(() => () => {}),
  };
  return { calls, transport };
}

describe('createDeskClient', () => {
  it('exposes every contract method as desk.<namespace>.<member>', async () => {
    const { calls, transport } = recordingTransport();
    const desk = createDeskClient(transport) as unknown as Record<string, Record<string, (i?: unknown) => unknown>>;
    for (const name of METHOD_NAMES) {
      const [ns, member] = name.split('.') as [string, string];
      await desk[ns]![member]!({ probe: name });
    }
    expect(calls.map(([m]) => m)).toEqual(METHOD_NAMES);
    expect(calls.every(([m, input]) => (input as { probe: string }).probe === m)).toBe(true);
  });

  it('subscribes to contract events only', () => {
    const { transport } = recordingTransport();
    const desk = createDeskClient(transport);
    desk.on('sync.status', () => {});
    expect(transport.subscribe).toHaveBeenCalledWith('sync.status', expect.any(Function));
    expect(() => desk.on('no.such' as (typeof EVENT_NAMES)[number], () => {})).toThrow(/Unknown desk event/);
  });
});

describe('dispatchDeskCall', () => {
  const list = vi.fn(async (input: unknown) => ({ total: 0, items: [], echoed: input }));
  const handlers = { 'tickets.list': list } as unknown as DeskHandlers;

  it('refuses unknown methods without calling anything', async () => {
    const out = await dispatchDeskCall(handlers, 'tickets.drop', {});
    expect(out).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    const proto = await dispatchDeskCall(handlers, '__proto__', {});
    expect(proto).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
  });

  it('refuses invalid input with details and never reaches the handler', async () => {
    list.mockClear();
    const out = await dispatchDeskCall(handlers, 'tickets.list', { view: 'everything', limit: 10_000 });
    expect(out).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(out.ok ? [] : (out.error.details as unknown[]).length).toBeGreaterThanOrEqual(2);
    expect(list).not.toHaveBeenCalled();
  });

  it('passes parsed input with defaults applied', async () => {
    const out = await dispatchDeskCall(handlers, 'tickets.list', { view: 'mine' });
    expect(out).toEqual({ ok: true, value: { total: 0, items: [], echoed: { view: 'mine', offset: 0, limit: 100 } } });
  });

  it('turns a handler error into data with its code', async () => {
    const failing = { 'tickets.list': async () => Promise.reject(new MutationRejected('nope', 'Not allowed')) };
    const out = await dispatchDeskCall(failing as unknown as DeskHandlers, 'tickets.list', { view: 'all' });
    expect(out).toEqual({ ok: false, error: { code: 'nope', message: 'Not allowed' } });
  });
});

describe('mutations', () => {
  const actorId = randomUUID();
  const now = new Date('2026-11-26T02:00:00Z');
  const create = parseMutation('ticket.create', {
    id: randomUUID(),
    eventId: randomUUID(),
    type: 'repair',
    category: 'plumbing',
    channel: 'phone',
    title: '厨房漏水',
  });
  const created = applyMutation(create, {
    actorId,
    actorRole: 'agent',
    now,
    current: undefined,
    code: 'BX-20261126-0001',
  }).ticket;

  it('creates a ticket in the first workflow step with defaults', () => {
    expect(created).toMatchObject({ status: 'new', priority: 3, version: 1, code: 'BX-20261126-0001' });
  });

  it('refuses bad arguments', () => {
    expect(() => parseMutation('ticket.create', { title: '' })).toThrow();
    expect(() => parseMutation('ticket.drop', {})).toThrow();
  });

  it('follows the workflow and refuses illegal transitions with a reason', () => {
    const step = (status: string) =>
      applyMutation(parseMutation('ticket.setStatus', { id: created.id, eventId: randomUUID(), status }), {
        actorId,
        actorRole: 'agent',
        now,
        current: created,
        code: null,
      });
    expect(step('accepted').ticket).toMatchObject({ status: 'accepted', version: 2 });
    expect(() => step('closed')).toThrow(MutationRejected);
    expect(() => step('on_site')).toThrow(expect.objectContaining({ code: 'illegal_transition' }));
  });
});
