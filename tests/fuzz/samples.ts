/**
 * One valid input per REST route body, query, sync mutation and desk method: the fuzz suite breaks one thing in
 * them at a time (./arbitraries brokenFrom). A route or method without a sample is still fuzzed, with generic
 * inputs only. `seed` is a fresh uuid per case, for the ids a valid input needs.
 */
import type { MethodName } from '../../common/contract';
import type { MutationName } from '../../common/mutations';
import { SYNC_SCHEMA_VERSION } from '../../common/sync';

export interface Refs {
  ticketId: string;
  /** A resident that erasure may really erase (the samples' others name r1). */
  residentId: string;
  /** A ticket that deletions may really delete (the others keep `ticketId`). */
  victimId: string;
  callId: string;
  agentId: string;
  ctiToken: string;
}

type Sample = (seed: string) => unknown;

const AT = '2026-05-01T08:00:00.000Z';

export function envelopeSample(seed: string): Record<string, unknown> {
  return {
    v: 1,
    type: 'call.ringing',
    eventId: `e-${seed}`,
    callId: `c-${seed.slice(0, 8)}`,
    ts: AT,
    source: 'pbx',
    direction: 'inbound',
    from: '13800138000',
    to: '02155551234',
    offeredTo: ['8001'],
  };
}

export function zammadSample(seed: string): Record<string, unknown> {
  return {
    event: 'newCall',
    direction: 'in',
    from: '13800138000',
    to: '02155551234',
    callId: `z-${seed.slice(0, 12)}`,
    user: ['agent01'],
  };
}

export function mutationSamples(refs: Refs): Record<MutationName, Sample> {
  const { ticketId: id, callId } = refs;
  return {
    'ticket.create': (seed) => ({
      id: seed,
      eventId: seed.replace(/^./, 'a'),
      type: 'repair',
      category: 'plumbing',
      channel: 'phone',
      priority: 2,
      title: '厨房漏水',
      description: '水管接口渗水',
      unitId: 'p1-3-1-502',
      residentId: 'r1',
      phone: '13800138000',
      teamId: 'plumbing',
    }),
    'ticket.setStatus': (seed) => ({ id, eventId: seed, status: 'accepted', note: '已受理' }),
    'ticket.assign': (seed) => ({ id, eventId: seed, assigneeId: refs.agentId, teamId: 'cs' }),
    'ticket.comment': (seed) => ({ id, eventId: seed, body: '已联系住户' }),
    'ticket.edit': (seed) => ({ id, eventId: seed, title: '电梯异响', priority: 2 }),
    'ticket.tag': (seed) => ({ id, eventId: seed, add: ['噪音'], remove: [] }),
    'ticket.delete': (seed) => ({ id: refs.victimId, eventId: seed, reason: '重复' }),
    'call.log': (seed) => ({
      id: seed,
      direction: 'inbound',
      from: '13800138000',
      startedAt: AT,
      notes: '咨询',
      residentId: 'r1',
      ticketId: id,
    }),
    'call.event': (seed) => ({ event: { ...envelopeSample(seed), source: 'hook' } }),
    'call.claimCallback': () => ({ id: callId }),
    'call.callbackResult': () => ({ id: callId, result: 'reached', note: '' }),
    'call.wrapUp': () => ({ id: callId, disposition: 'enquiry_answered', notes: '', ticketIds: [id] }),
    'call.link': () => ({ id: callId, ticketId: id, residentId: 'r1' }),
    'presence.set': () => ({ state: 'available', callId: null }),
  };
}

/** Bodies of the REST routes that take one, by `METHOD path`. */
export function routeBodies(refs: Refs): Record<string, Sample> {
  return {
    'POST /api/v1/auth/login': () => ({ username: 'agent01', password: 'not the password' }),
    'POST /api/v1/tickets': () => ({
      type: 'repair',
      category: 'lift',
      channel: 'app',
      title: '电梯停运',
      description: '3号楼',
      phone: '13800138000',
      unitId: 'p1-3-1-502',
      priority: 2,
    }),
    'POST /api/v1/sync/push': (seed) => ({
      clientId: seed,
      schemaVersion: SYNC_SCHEMA_VERSION,
      mutations: [{ id: 1, name: 'ticket.comment', args: mutationSamples(refs)['ticket.comment'](seed) }],
    }),
    'POST /api/v1/sync/pull': (seed) => ({
      clientId: seed,
      schemaVersion: SYNC_SCHEMA_VERSION,
      cursor: null,
      limit: 10,
    }),
    'PUT /api/v1/settings/sla/limits': () => ({ limits: { repair: { respond: { '2': 30 } } } }),
    'PUT /api/v1/settings/sla/calendar': () => ({ year: 2027, holidays: ['2027-10-01'], workdays: ['2027-09-26'] }),
    'PUT /api/v1/settings/sla/weather': () => ({ on: false }),
    'POST /api/v1/cti/events': envelopeSample,
    'POST /api/v1/cti/blocks': () => ({ number: '13900139000', reason: '骚扰电话', expiresAt: null }),
    'PUT /api/v1/cti/caller-id-rules': () => ({ rules: [{ pattern: '021*', callerId: '02112345678', note: '' }] }),
    'PUT /api/v1/cti/settings': () => ({ enabled: true, wrapUpSeconds: 30 }),
    'POST /api/v1/cti/generic/:token': zammadSample,
    'POST /api/v1/privacy/reveal': () => ({ subject: 'call', id: refs.callId, purpose: 'view' }),
    'POST /api/v1/residents/:id/erase': () => ({ reason: '住户申请删除个人信息' }),
    // Lobby kiosk and queue (issue 12 §4).
    'POST /api/v1/kiosk/numbers': () => ({ line: 'A' }),
    'POST /api/v1/kiosk/repairs': () => ({ room: '3-1-502', last4: '8000', category: 'plumbing', description: '漏水' }),
    'POST /api/v1/kiosk/status': () => ({ code: 'BX-20260501-0001', last4: '8000' }),
    'POST /api/v1/queue/call-next': () => ({ line: 'A', counter: '1' }),
    'POST /api/v1/queue/recall': (seed) => ({ id: seed }),
    'POST /api/v1/queue/skip': (seed) => ({ id: seed }),
    // Auto-assignment and escalation (issue 12 item 2).
    'PUT /api/v1/assignment/queues/:teamId': () => ({
      mode: 'round_robin',
      skillsFilter: true,
      escalateAfterMinutes: 30,
      escalateToId: null,
    }),
    'PUT /api/v1/assignment/agents/:id/capacity': () => ({ capacity: 8 }),
  };
}

const KPI_QUERY_SAMPLE = {
  keys: ['period', 'from', 'to', 'group'],
  valid: { period: 'day', from: '2026-11-01', to: '2026-11-07', group: 'team' },
};

/** Query keys a route reads, and a valid value for some of them. */
export const ROUTE_QUERIES: Record<string, { keys: string[]; valid: Record<string, string> }> = {
  'GET /api/v1/tickets': {
    keys: ['status', 'queue', 'assignee', 'q', 'limit', 'cursor'],
    valid: { status: 'new', assignee: 'me', q: '电梯', limit: '5' },
  },
  // A ticket's history fetched on open (issue 13): its id in the path, no query.
  'GET /api/v1/tickets/:id/events': { keys: [], valid: {} },
  'GET /api/v1/residents': { keys: ['phone', 'q'], valid: { q: '张' } },
  'GET /api/v1/residents/directory': { keys: ['cursor', 'limit'], valid: { cursor: '0:0', limit: '5' } },
  'GET /api/v1/calls': {
    keys: ['missed', 'agent', 'number', 'since', 'limit', 'cursor'],
    valid: { missed: 'false', since: '2026-01-01T00:00:00Z', limit: '5' },
  },
  'GET /api/v1/live': { keys: ['clientId'], valid: {} },
  'GET /api/v1/audit': {
    keys: ['actor', 'action', 'subjectType', 'subjectId', 'since', 'until', 'cursor', 'limit'],
    valid: {
      action: 'resident.read',
      subjectType: 'resident',
      subjectId: 'r1',
      since: '2026-01-01T00:00:00Z',
      limit: '5',
    },
  },
  // Auto-assignment and escalation (issue 12 item 2).
  'GET /api/v1/escalations': { keys: ['open'], valid: { open: 'false' } },
  // KPI dashboard (issue 12 item 3).
  'GET /api/v1/kpi': KPI_QUERY_SAMPLE,
  'GET /api/v1/kpi.csv': KPI_QUERY_SAMPLE,
};

/** Valid inputs of the desk methods (the WebSocket bridge target). */
export function methodSamples(refs: Refs): Partial<Record<MethodName, Sample>> {
  const { ticketId: id, callId } = refs;
  return {
    'session.login': () => ({ username: 'agent01', password: 'not the password' }),
    'tickets.list': () => ({ view: 'inbox', offset: 0, limit: 10 }),
    'tickets.get': () => ({ id }),
    'tickets.locate': () => ({ id, view: 'all' }),
    'tickets.jump': () => ({ id, view: 'inbox' }),
    'tickets.create': () => ({ type: 'repair', category: 'lift', channel: 'phone', title: '电梯', priority: 2 }),
    'tickets.setStatus': () => ({ id, status: 'accepted', note: '' }),
    'tickets.assign': () => ({ id, assigneeId: refs.agentId, teamId: 'cs' }),
    'tickets.comment': () => ({ id, body: '已联系' }),
    'tickets.edit': () => ({ id, title: '电梯异响' }),
    'tickets.tag': () => ({ id, add: ['噪音'], remove: [] }),
    'tickets.search': () => ({ q: '电梯', limit: 5, offset: 0 }),
    'tickets.duplicates': () => ({ unitId: 'p1-3-1-502', category: 'lift' }),
    'tickets.delete': () => ({ id: refs.victimId, reason: '重复' }),
    'calls.log': () => ({ direction: 'inbound', from: '13800138000', startedAt: AT, notes: '' }),
    'calls.recent': () => ({ limit: 5 }),
    'calls.list': () => ({ view: 'all', limit: 5 }),
    'calls.pop': () => ({ id: callId }),
    'calls.dial': () => ({ number: '13800138000' }),
    'calls.claimCallback': () => ({ id: callId }),
    'calls.callbackResult': () => ({ id: callId, result: 'reached', note: '' }),
    'calls.wrapUp': () => ({ id: callId, disposition: 'enquiry_answered', notes: '', ticketIds: [] }),
    'calls.link': () => ({ id: callId, ticketId: id }),
    'presence.set': () => ({ state: 'available' }),
    'cti.setSettings': () => ({ extension: '8001', hook: { enabled: true, port: 17788 } }),
    'residents.lookup': () => ({ q: '502', limit: 5 }),
    'settings.setWeatherAlert': () => ({ on: false }),
    'settings.setYearSchedule': () => ({ year: 2027, holidays: [], workdays: [] }),
    'settings.setLimits': () => ({ limits: {} }),
    'sync.dismissRejected': () => ({ mutationIds: [1] }),
    // Lobby kiosk and queue (issue 12 §4).
    'kiosk.signIn': () => ({ username: 'kiosk01', password: 'not the password' }),
    'kiosk.takeNumber': () => ({ line: 'B' }),
    'kiosk.reportRepair': () => ({ room: '3-1-502', last4: '8000', category: 'lift' }),
    'kiosk.checkStatus': () => ({ code: 'BX-20260501-0001', last4: '8000' }),
    'queue.callNext': () => ({ counter: '1' }),
    'queue.recall': (seed) => ({ id: seed }),
    'queue.skip': (seed) => ({ id: seed }),
    // Auto-assignment and escalation (issue 12 item 2).
    'assignment.setQueue': () => ({
      teamId: 'cs',
      mode: 'least_loaded',
      skillsFilter: false,
      escalateAfterMinutes: null,
      escalateToId: null,
    }),
    'assignment.setCapacity': () => ({ userId: refs.agentId, capacity: 5 }),
    'assignment.escalations': () => ({ open: true }),
    'assignment.acknowledge': () => ({ id }),
    // Lead board (issue 12).
    'lead.board': () => ({}),
    'lead.reassign': () => ({ target: { kind: 'tickets', ids: [id] }, assigneeId: refs.agentId, reason: '调班' }),
    // KPI dashboard (issue 12 item 3).
    'kpi.report': () => ({ period: 'week', from: '2026-11-02', to: '2026-11-29', group: 'agent' }),
    'kpi.csv': () => ({ period: 'month', from: '2026-01-01', to: '2026-11-30', group: 'all' }),
  };
}
