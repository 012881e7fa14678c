/**
 * The set-based group path (server/cti/ingest-group) against one event at a time (server/cti/ingest): the same
 * mixed workload — calls interleaved across groups, one call's ring, answer and hangup in one group, duplicates
 * within a group and retried in later ones, unknown, shared and blocked numbers, two calls from one number, a
 * softphone and a PBX reporting one call (by number, by SIP Call-ID, the PBX's id becoming primary), hold, transfer,
 * recording, a late answer, times with UTC offsets — fed to two databases, once in groups and once request by
 * request, must leave the same calls, aliases, processed events, presence, change log and KPI rollups, and give the
 * same answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallEvent, type CallEventInput } from '../../common/calls/envelope';
import type { Db } from '../../server/db/driver';
import { CALL_COLUMNS, callFromRow, type Row } from '../../server/db/rows';
import { runIngestJob, type IngestJob, type IngestResult } from '../../server/cti/ingest';
import { ingestCallEventGroup } from '../../server/cti/ingest-group';
import { BACKENDS } from './support/backends';

const AGENT1 = '00000000-0000-4000-8000-000000000001';
const AGENT2 = '00000000-0000-4000-8000-000000000002';
const AGENT3 = '00000000-0000-4000-8000-000000000003';

/** The same staff, residents, presence and block list in both databases (fixed ids, so rows compare as they are). */
async function seed(db: Db): Promise<void> {
  await db.query(
    `INSERT INTO teams (id, name_zh, name_en) VALUES ('cs', '客服', 'Customer service');
     INSERT INTO residents (id, name, tags) VALUES ('r1', '张伟', '{}'), ('r2', '李娜', '{}'), ('r3', '王芳', '{}'),
       ('r4', '赵磊', '{}');
     INSERT INTO resident_phones (resident_id, raw, e164) VALUES
       ('r1', '138 0013 8000', '+8613800138000'), ('r2', '021-6234 5678', '+862162345678'),
       ('r3', '139 0000 0002', '+8613900000002'), ('r4', '139 0000 0002', '+8613900000002'),
       ('r4', '137 0000 1111', '+8613700001111');
     INSERT INTO users (id, username, name, role, extension, team_id, password_hash) VALUES
       ('${AGENT1}', 'agent01', '张三', 'agent', '8001', 'cs', 'x'),
       ('${AGENT2}', 'agent02', '李四', 'agent', '8002', 'cs', 'x'),
       ('${AGENT3}', 'agent03', '王五', 'agent', '8003', 'cs', 'x');
     INSERT INTO agent_presence (user_id, state, since) VALUES ('${AGENT3}', 'break', '2026-11-02T01:00:00Z');
     INSERT INTO call_blocks (id, e164, reason, expires_at) VALUES
       ('00000000-0000-4000-8000-0000000000b1', '+8613900009999', 'test', NULL),
       ('00000000-0000-4000-8000-0000000000b2', '+8613900008888', 'expired', '2026-11-01T00:00:00Z');`,
  );
}

const T0 = Date.parse('2026-11-02T02:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

/** One endpoint request: its events, and whether it reads the settings or the block list as the Zammad one does. */
interface Request {
  events: CallEventInput[];
  settings?: boolean;
  /** A ring from a blocked caller is refused: a `rejected` hangup follows it. */
  blockable?: boolean;
}

let eventSeq = 0;
function ev(type: string, callId: string, source: string, ts: string, fields: Record<string, unknown> = {}) {
  return { v: 1, eventId: `e${++eventSeq}`, type, callId, source, ts, ...fields } as CallEventInput;
}
const inbound = (from: string) => ({ direction: 'inbound', from, to: '4008001234' });

/** Groups of requests. */
function workload(): Request[][] {
  const ringA = ev('call.ringing', 'A', 'pbx', at(0), { ...inbound('13800138000'), offeredTo: ['8001'] });
  const answerA = ev('call.answered', 'A', 'pbx', at(3), { ...inbound('13800138000'), answeredBy: '8001' });
  const first: Request[] = [
    { events: [ringA] },
    { events: [ev('call.ringing', 'B', 'pbx', at(1), { ...inbound('13900000002'), offeredTo: ['agent02'] })] },
    // The agent's softphone reports call A under its own id: one record (same number, same agent, within 10 s).
    { events: [ev('call.ringing', 'H-A', 'hook', at(2), { ...inbound('13800138000'), agent: '8001' })] },
    { events: [answerA], settings: true },
    // A PBX retrying at once.
    { events: [ringA] },
    // A hangup never rung: still a record (missed), from a number nobody has.
    { events: [ev('call.ended', 'D', 'pbx', at(4), { ...inbound('13912345678'), cause: 'noAnswer' })] },
    {
      events: [
        ev('call.ringing', 'E', 'pbx', at(5), {
          direction: 'outbound',
          from: '8002',
          to: '021-6234 5678',
          sipCallId: 'sip-E',
          agent: '8002',
        }),
      ],
      settings: true,
    },
  ];
  const second: Request[] = [
    { events: [ev('call.ended', 'A', 'pbx', at(20), { ...inbound('13800138000'), cause: 'normalClearing' })] },
    { events: [answerA] },
    { events: [ev('call.answered', 'B', 'pbx', at(21), { ...inbound('13900000002'), answeredBy: 'agent02' })] },
    // The softphone's report of E, by its SIP Call-ID.
    {
      events: [
        ev('call.ringing', 'bs-E', 'baresip', at(6), {
          direction: 'outbound',
          from: '8002',
          to: '02162345678',
          sipCallId: 'sip-E',
        }),
      ],
    },
    // A second call from A's number, two minutes later.
    { events: [ev('call.ringing', 'F', 'pbx', at(120), { ...inbound('13800138000'), offeredTo: ['8001', '8003'] })] },
    {
      events: [
        ev('call.held', 'B', 'pbx', at(30)),
        ev('call.resumed', 'B', 'pbx', at(40)),
        ev('call.transferred', 'B', 'pbx', at(41), { kind: 'blind', target: '8003' }),
        ev('call.recording', 'B', 'pbx', at(42), { url: 'https://pbx.example/rec/B.wav' }),
      ],
      settings: true,
    },
    {
      events: [ev('call.ringing', 'G', 'pbx', at(50), { ...inbound('13900009999'), offeredTo: ['8002'] })],
      blockable: true,
    },
    {
      events: [ev('call.ringing', 'G2', 'pbx', at(51), { ...inbound('13900008888'), offeredTo: ['8002'] })],
      blockable: true,
    },
  ];
  const third: Request[] = [
    // agent01 is in wrap-up from A: answering F puts them on that call.
    { events: [ev('call.answered', 'F', 'pbx', at(125), { ...inbound('13800138000'), answeredBy: '8001' })] },
    {
      events: [
        ev('call.ended', 'B', 'pbx', at(130), { cause: 'normalClearing' }),
        ev('call.ended', 'F', 'pbx', at(131), { cause: 'normalClearing' }),
      ],
    },
    // D's answer arrives after its hangup but happened before it: it fills the gap.
    { events: [ev('call.answered', 'D', 'pbx', at(3.5), { answeredBy: '8003' })] },
    // A softphone first, then the PBX for the same call: one record, the PBX's id primary.
    { events: [ev('call.ringing', 'H2', 'hook', at(200), { ...inbound('13700001111'), agent: '8003' })] },
    { events: [ev('call.ringing', 'P2', 'pbx', at(201), { ...inbound('13700001111'), offeredTo: ['8003'] })] },
    // One call's whole life in one request, with times at a UTC offset.
    {
      events: [
        ev('call.ringing', 'I', 'pbx', '2026-11-02T10:05:00+08:00', {
          ...inbound('021 6234 5678'),
          offeredTo: ['8002'],
        }),
        ev('call.answered', 'I', 'pbx', '2026-11-02T10:05:01.5+08:00', { answeredBy: '8002' }),
        ev('call.ended', 'I', 'pbx', '2026-11-02T10:06:00.25+08:00', { cause: 'normalClearing' }),
      ],
    },
    // An agent nobody knows; a desk's own record (presence is the desk's business).
    { events: [ev('call.ringing', 'J', 'pbx', at(210), { ...inbound('13611112222'), offeredTo: ['nobody'] })] },
    { events: [ev('call.answered', 'J', 'pbx', at(211), { answeredBy: 'nobody' })] },
    { events: [ev('call.answered', 'K', 'desk', at(212), { ...inbound('13611113333'), answeredBy: '8002' })] },
  ];
  // Every earlier event again (a PBX replaying its log), with new ones.
  const replay: Request[] = [
    ...[first, second].flat().map((r) => ({ ...r, blockable: false })),
    { events: [ev('call.ended', 'P2', 'pbx', at(260), { cause: 'normalClearing' })] },
  ];
  // The same call's ring, answer and hangup, each its own request, in one group.
  const last: Request[] = [
    // agent02 answers N, then L: on L when N ends (below).
    { events: [ev('call.ringing', 'N', 'pbx', at(299), { ...inbound('13611114444'), offeredTo: ['8002'] })] },
    { events: [ev('call.answered', 'N', 'pbx', at(301), { answeredBy: '8002' })] },
    // Microseconds, which the database keeps and reads return as milliseconds.
    {
      events: [
        ev('call.ringing', 'L', 'pbx', '2026-11-02T02:05:00.123456Z', {
          ...inbound('13800138000'),
          offeredTo: ['8002'],
        }),
      ],
    },
    { events: [ev('call.answered', 'L', 'pbx', at(302), { answeredBy: '8002' })], settings: true },
    // Microseconds, and the record never read back: as one-at-a-time wrote it, to the microsecond.
    {
      events: [
        ev('call.ringing', 'M', 'pbx', '2026-11-02T02:05:10.654321Z', {
          ...inbound('13611115555'),
          offeredTo: ['8003'],
        }),
        ev('call.answered', 'M', 'pbx', at(311), { answeredBy: '8003' }),
      ],
    },
    // The agent's softphone reports the answer under its own id: found by number, not by id.
    { events: [ev('call.answered', 'H-L', 'hook', at(302.2), { ...inbound('13800138000'), agent: '8002' })] },
  ];
  // L again, read back from the database (its ring's microseconds); N ends while agent02 is on L.
  const after: Request[] = [
    { events: [ev('call.ended', 'N', 'pbx', at(340), { cause: 'normalClearing' })] },
    // agent01's softphone reports F's answer late, under its own id: F is found by number, in the database.
    { events: [ev('call.answered', 'H-F', 'hook', at(126), { ...inbound('13800138000'), agent: '8001' })] },
    { events: [ev('call.ended', 'L', 'pbx', at(330), { cause: 'normalClearing' })] },
    { events: [ev('call.ended', 'H2', 'hook', at(331), { cause: 'normalClearing' })] },
  ];
  // A group of one request: one call's ring and answer.
  const alone: Request[] = [
    {
      events: [
        ev('call.ringing', 'O', 'pbx', '2026-11-02T02:06:40.000999Z', {
          ...inbound('13611116666'),
          offeredTo: ['8003'],
        }),
        ev('call.answered', 'O', 'pbx', at(401), { answeredBy: '8003' }),
      ],
    },
  ];
  return [first, second, third, replay, last, after, alone];
}

/** A request as an ingest job; its answer is its events' results. */
function job(r: Request): IngestJob<IngestResult[]> {
  return {
    async plan(reads) {
      const settings = r.settings ? await reads.settings() : undefined;
      const events = r.events.map((e) => CallEvent.parse(e));
      const ring = events[0];
      if (
        r.blockable &&
        ring?.type === 'call.ringing' &&
        ring.from &&
        (await reads.blocked(ring.from, new Date(ring.ts)))
      ) {
        events.push(
          CallEvent.parse({ ...ring, type: 'call.ended', eventId: `${ring.eventId}:rejected`, cause: 'rejected' }),
        );
      }
      return { events, settings, answer: (results) => results };
    },
  };
}

/** A clock both paths read once per event, in the same order. */
function clock(): () => Date {
  let tick = 0;
  return () => new Date(T0 + 600_000 + 250 * tick++);
}

/** Everything the CTI write path leaves, in a comparable order. */
async function snapshot(db: Db, since: number) {
  const rows = async (sql: string) => (await db.query<Row>(sql)).rows;
  return {
    calls: (await rows(`SELECT ${CALL_COLUMNS} FROM calls ORDER BY id`)).map(callFromRow),
    callColumns: await rows(`SELECT * FROM calls ORDER BY id`),
    // To the microsecond the database keeps (reads give milliseconds).
    callTimes: await rows(
      `SELECT id, ${['started_at', 'answered_at', 'ended_at', 'logged_at', 'last_event_at']
        .map((c) => `extract(epoch FROM ${c})::text AS ${c}`)
        .join(', ')} FROM calls ORDER BY id`,
    ),
    aliases: await rows(`SELECT kind, alias, call_id::text FROM call_aliases ORDER BY kind, alias`),
    events: await rows(
      `SELECT source, event_id, call_id::text, processed_at FROM cti_events ORDER BY source, event_id`,
    ),
    presence: await rows(`SELECT * FROM agent_presence ORDER BY user_id`),
    changes: await rows(`SELECT entity, entity_id, op FROM change_log WHERE seq > ${since} ORDER BY seq`),
    kpiCalls: await rows(
      `SELECT day, agent_id, sum(inbound)::int AS inbound, sum(ended)::int AS ended,
         sum(ended_answered)::int AS answered, sum(ended_missed)::int AS missed, sum(handle_us)::text AS handle_us,
         sum(handled)::int AS handled
       FROM kpi_daily_calls GROUP BY 1, 2 HAVING sum(inbound) <> 0 ORDER BY 1, 2`,
    ),
    kpiCallbacks: await rows(
      `SELECT day, agent_id, minutes, sum(n)::int AS n FROM kpi_daily_callbacks GROUP BY 1, 2, 3
        HAVING sum(n) <> 0 ORDER BY 1, 2, 3`,
    ),
  };
}

const lastSeq = async (db: Db) =>
  Number((await db.query<{ s: unknown }>('SELECT COALESCE(max(seq), 0) AS s FROM change_log')).rows[0]?.s);

for (const backend of BACKENDS) {
  const suite = backend.skipReason ? describe.skip : describe;

  suite(`call events in groups and one at a time on ${backend.name}`, () => {
    const opened: Array<{ db: Db; dispose: () => Promise<void> }> = [];
    let grouped: Db;
    let alone: Db;
    beforeAll(async () => {
      for (let i = 0; i < 2; i++) opened.push(await backend.open());
      [grouped, alone] = opened.map((o) => o.db) as [Db, Db];
      for (const db of [grouped, alone]) await seed(db);
    });
    afterAll(async () => {
      for (const o of opened) await o.dispose();
    });

    it('leaves the same records, aliases, processed events, presence, change log and rollups', async () => {
      const groups = workload();
      const since = [await lastSeq(grouped), await lastSeq(alone)] as const;
      expect(since[0]).toBe(since[1]);

      const groupClock = clock();
      const groupAnswers: unknown[] = [];
      for (const group of groups)
        groupAnswers.push(...(await ingestCallEventGroup(grouped, group.map(job), groupClock)));
      const aloneClock = clock();
      const aloneAnswers: unknown[] = [];
      for (const r of groups.flat()) aloneAnswers.push(await runIngestJob(alone, job(r), aloneClock));

      expect(groupAnswers.filter((a) => a instanceof Error)).toEqual([]);
      // Each group committed as one transaction: none fell back to one request at a time.
      const { rows } = await grouped.query<{ n: unknown }>(
        `SELECT count(DISTINCT xid::text) AS n FROM change_log WHERE seq > ${since[0]}`,
      );
      expect(Number(rows[0]?.n)).toBe(groups.length);
      expect(groupAnswers).toEqual(aloneAnswers);
      const [g, a] = [await snapshot(grouped, since[0]), await snapshot(alone, since[1])];
      expect(g.calls).toEqual(a.calls);
      expect(g.callColumns).toEqual(a.callColumns);
      expect(g.callTimes).toEqual(a.callTimes);
      expect(g.aliases).toEqual(a.aliases);
      expect(g.events).toEqual(a.events);
      expect(g.presence).toEqual(a.presence);
      expect(g.changes).toEqual(a.changes);
      expect(g.kpiCalls).toEqual(a.kpiCalls);
      expect(g.kpiCallbacks).toEqual(a.kpiCallbacks);

      // The workload reaches what it is meant to: one record for A's two reporters, the PBX primary for H2/P2, …
      const byCallId = new Map(g.calls.map((c) => [c.callId, c]));
      expect(
        byCallId
          .get('A')
          ?.legs.map((l) => l.callId)
          .sort(),
      ).toEqual(['A', 'H-A']);
      expect(byCallId.has('H2')).toBe(false);
      expect(
        byCallId
          .get('P2')
          ?.legs.map((l) => l.callId)
          .sort(),
      ).toEqual(['H2', 'P2']);
      expect(
        byCallId
          .get('E')
          ?.legs.map((l) => l.callId)
          .sort(),
      ).toEqual(['E', 'bs-E']);
      expect(byCallId.get('A')).toMatchObject({ residentId: 'r1', residentConfidence: 'known', state: 'ended' });
      expect(byCallId.get('B')).toMatchObject({ residentId: null, holdSeconds: 10, agentId: AGENT2 });
      expect(byCallId.get('D')).toMatchObject({ missed: false, agentId: AGENT3 });
      expect(byCallId.get('G')).toMatchObject({ state: 'ended', cause: 'rejected' });
      expect(byCallId.get('G2')).toMatchObject({ state: 'ringing' });
      expect(byCallId.get('I')).toMatchObject({ state: 'ended', residentId: 'r2', talkingSeconds: 58.75 });
      expect(g.presence.find((p) => String(p.user_id) === AGENT1)).toMatchObject({ state: 'wrap_up' });
      // N ended while agent02 was on L: their wrap-up is L's.
      expect(g.presence.find((p) => String(p.user_id) === AGENT2)).toMatchObject({
        state: 'wrap_up',
        call_id: byCallId.get('L')?.id,
      });
      expect(g.events.length).toBe(new Set(groups.flat().flatMap((r) => r.events.map((e) => e.eventId))).size + 1);
    });
  });
}
