/**
 * The KPI percentiles from the daily histograms (migrations 0021, 0023, merged by server/kpi/histograms.ts) are
 * exactly the numbers percentile_cont gives over the facts' whole minutes — unrounded, for every period of whole
 * days and every grouping, per agent too — on PGlite and, with TEST_DATABASE_URL, PostgreSQL. The data holds the
 * edges: a period with one response, one with all responses in the same minute, ranks that fall between two
 * minutes, responses a few microseconds either side of a whole minute, a negative one, tickets without team or
 * assignee, empty days, and then reassignments, a team change and a cancellation after the response (ledger rows
 * that move a response between histograms), before and after compaction.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KpiGroup, KpiPeriod } from '../../common/kpi';
import { reportRange } from '../../common/kpi/periods';
import type { Db } from '../../server/db/driver';
import { histogramPercentiles, periodOfDays, type GroupHistograms } from '../../server/kpi/histograms';
import { kpiReport } from '../../server/kpi/report';
import { callbackHistogramsSql, responseHistogramsSql } from '../../server/kpi/rollup-sql';
import { keepRollups } from '../../server/kpi/rollups';
import {
  CALLBACK_PERCENTILES,
  RESPONSE_PERCENTILES,
  callbackPercentileSql,
  responsePercentileSql,
} from '../../server/kpi/sql';
import { BACKENDS } from './support/backends';
import { seedFixtures, type Fixtures } from './support/fixtures';
import { mulberry32 } from '../support/prng';

const OFFSET_MIN = 480;
const FROM = '2026-10-26';
const TO = '2026-12-06';
const sh = (wall: string) => new Date(`${wall}+08:00`);
/** Days (from FROM) that only hand-made tickets use: Friday 30 October, Sunday 8 and Tuesday 17 November. */
const HAND_MADE = [4, 13, 22];

type Entry = { b: number | null; g: string | null; values: number[] };
const byKey = (entries: Entry[]) =>
  entries.map((e) => ({ ...e, b: e.b === null ? null : Number(e.b) })).sort((x, y) => keyOf(x).localeCompare(keyOf(y)));
const keyOf = (e: Entry) => `${e.b ?? 'total'}|${e.g ?? ''}`;

for (const backend of BACKENDS) {
  const suite = backend.skipReason ? describe.skip : describe;

  suite(`KPI percentiles from the histograms on ${backend.name}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    let staff: Fixtures;
    const { start, end } = reportRange(FROM, TO, OFFSET_MIN);
    const params = [new Date(start).toISOString(), new Date(end).toISOString(), OFFSET_MIN * 60];

    /** A ticket created at `created`, first responded `afterSec` later (to the microsecond; none when null). */
    async function ticket(t: {
      created: Date;
      afterSec: number | null;
      team?: string | null;
      assignee?: string | null;
    }): Promise<void> {
      const id = randomUUID();
      await db.query(
        `INSERT INTO tickets (id, type, category, channel, priority, status, title, team_id, assignee_id, created_at,
                              updated_at)
         VALUES ($1, 'repair', 'plumbing', 'phone', 2, 'new', 't', $2, $3, $4, $4)`,
        [id, t.team === undefined ? 'cs' : t.team, t.assignee ?? null, t.created],
      );
      if (t.afterSec !== null) {
        await db.query(
          `INSERT INTO ticket_events (id, ticket_id, kind, data, created_at)
           VALUES ($1, $2, 'status', '{"from": "new", "to": "accepted"}', $3::timestamptz + make_interval(secs => $4))`,
          [randomUUID(), id, t.created, t.afterSec],
        );
      }
    }

    /** A missed inbound call (its agent_id `agent`), called back `afterSec` after it ended. */
    async function calledBack(startedAt: Date, afterSec: number, agent: string | null): Promise<void> {
      const ended = new Date(startedAt.getTime() + 30_000);
      const doneAt = new Date(ended.getTime() + afterSec * 1000);
      await db.query(
        `INSERT INTO calls (id, call_id, direction, started_at, ended_at, missed, agent_id, state, callback_state, detail)
         VALUES ($1, $2, 'inbound', $3, $4, true, $5, 'ended', 'done', $6)`,
        [randomUUID(), randomUUID(), startedAt, ended, agent, JSON.stringify({ callback: { doneAt } })],
      );
    }

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      staff = await seedFixtures(db);
      const agents = [staff.agent.id, staff.agent2.id, null];
      const teams = ['cs', 'plumbing', null];

      // Random tickets over the range, minutes spread widely and often tied; none on HAND_MADE days.
      const random = mulberry32(23);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
      for (let i = 0; i < 160; i++) {
        const day = Math.floor(random() * 42);
        if (HAND_MADE.includes(day)) continue;
        const created = new Date(start + day * 86_400_000 + Math.floor(random() * 86_400_000));
        const afterSec = random() < 0.4 ? Math.floor(random() * 20) * 60 : random() * 3000 * 60;
        await ticket({
          created,
          afterSec: random() < 0.1 ? null : afterSec,
          team: pick(teams),
          assignee: pick(agents),
        });
      }
      for (let i = 0; i < 30; i++) {
        const startedAt = new Date(start + Math.floor(random() * 42 * 86_400_000));
        await calledBack(startedAt, Math.floor(random() * 90) * 60 + random() * 60, pick(agents));
      }

      // Friday 30 October: one response (plumbing, agent02): a period and groups of one value.
      await ticket({
        created: sh('2026-10-30T09:00:00'),
        afterSec: 12 * 60,
        team: 'plumbing',
        assignee: staff.agent2.id,
      });
      // Sunday 8 November: five responses in the same whole minute, 7 min to 8 min less 1 µs (agent01).
      for (const afterSec of [420, 450, 479.999999, 420.000001, 474]) {
        await ticket({ created: sh('2026-11-08T10:00:00.123'), afterSec, assignee: staff.agent.id });
      }
      // Tuesday 17 November: 59.999 s, 1 min, 2 min less 1 µs, 59 min 59 s, 1 h are [0, 1, 1, 59, 60]: median 1;
      // p90 at rank 3.6, between 59 and 60 (agent01). One 1 µs before creation counts −1 minute (no team, nobody).
      for (const afterSec of [59.999, 60, 119.999999, 3599, 3600]) {
        await ticket({ created: sh('2026-11-17T11:00:00'), afterSec, assignee: staff.agent.id });
      }
      await ticket({ created: sh('2026-11-17T12:00:00'), afterSec: -0.000001, team: null });
      // Not counted: no response yet; created just before the range or just after it.
      await ticket({ created: sh('2026-11-17T13:00:00'), afterSec: null, assignee: staff.agent2.id });
      await ticket({ created: sh('2026-10-25T23:59:59'), afterSec: 300 });
      await ticket({ created: sh('2026-12-07T00:00:00'), afterSec: 300 });
    });

    afterAll(async () => {
      await dispose?.();
    });

    /** Each period's and the range's percentiles per group: percentile_cont over the facts, and the histograms. */
    async function both(
      factsSql: string,
      histogramsSql: string,
      percentiles: Readonly<Record<string, number>>,
      period: KpiPeriod,
    ): Promise<{ facts: Entry[]; histograms: Entry[] }> {
      const ids = Object.keys(percentiles);
      const facts = (await db.query<Record<string, unknown>>(factsSql, params)).rows.map((r) => ({
        b: Number(r.total) === 1 ? null : Number(r.b),
        g: r.g as string | null,
        values: ids.map((id) => r[id] as number),
      }));
      const { rows } = await db.query<GroupHistograms>(histogramsSql, params);
      const days = periodOfDays(period, start, end, OFFSET_MIN);
      return { facts: byKey(facts), histograms: byKey(histogramPercentiles(rows, days, Object.values(percentiles))) };
    }

    async function expectExact(): Promise<void> {
      for (const period of ['day', 'week', 'month'] as const) {
        for (const group of ['all', 'team', 'agent'] as const satisfies readonly KpiGroup[]) {
          const responses = await both(
            responsePercentileSql(period, group),
            responseHistogramsSql(group),
            RESPONSE_PERCENTILES,
            period,
          );
          expect(responses.histograms, `responses ${period}/${group}`).toEqual(responses.facts);
          const callbacks = await both(
            callbackPercentileSql(period, group),
            callbackHistogramsSql(group),
            CALLBACK_PERCENTILES,
            period,
          );
          expect(callbacks.histograms, `callbacks ${period}/${group}`).toEqual(callbacks.facts);
        }
      }
    }

    it('gives exactly percentile_cont over the facts, per period and over the range, for every grouping', async () => {
      const { facts } = await both(
        responsePercentileSql('day', 'agent'),
        responseHistogramsSql('agent'),
        RESPONSE_PERCENTILES,
        'day',
      );
      // The hand-made days, worked out: one value; five in one minute; ranks between minutes.
      const day = (wall: string, g: string | null) =>
        facts.find((e) => e.b === sh(`${wall}T00:00:00`).getTime() / 1000 && e.g === g)?.values;
      expect(day('2026-10-30', staff.agent2.id)).toEqual([12, 12]);
      expect(day('2026-11-08', staff.agent.id)).toEqual([7, 7]);
      expect(day('2026-11-17', staff.agent.id)?.[0]).toBe(1);
      expect(day('2026-11-17', staff.agent.id)?.[1]).toBeCloseTo(59.6, 10);
      expect(day('2026-11-17', null)).toEqual([-1, -1]);
      await expectExact();
    });

    it('moves a response with a reassignment, a team change or a cancellation, before and after compaction', async () => {
      const { rows } = await db.query<{ id: string }>(
        `SELECT ticket_id AS id FROM kpi_ticket_facts WHERE first_response_at IS NOT NULL ORDER BY ticket_id LIMIT 12`,
      );
      const ids = rows.map((r) => r.id);
      await db.query(`UPDATE tickets SET assignee_id = $2 WHERE id = ANY($1)`, [ids.slice(0, 5), staff.agent2.id]);
      await db.query(`UPDATE tickets SET assignee_id = NULL WHERE id = ANY($1)`, [ids.slice(5, 7)]);
      await db.query(`UPDATE tickets SET team_id = 'plumbing' WHERE id = ANY($1)`, [ids.slice(7, 10)]);
      await db.query(`UPDATE tickets SET status = 'cancelled' WHERE id = ANY($1)`, [ids.slice(10, 12)]);
      await expectExact();
      await keepRollups(db, OFFSET_MIN * 60);
      await expectExact();
    });

    it('reads the by-agent percentiles from the histograms', async () => {
      // A day of its own, after the range: agent02's one response, 12 min.
      const DAY = '2026-12-20';
      await ticket({ created: sh(`${DAY}T09:00:00`), afterSec: 12 * 60, assignee: staff.agent2.id });
      const median = async (period: 'day' | 'shift') => {
        const query = { period, group: 'agent', from: DAY, to: DAY } as const;
        const { report } = await kpiReport(db, query, { now: new Date() });
        return report.totals.find((r) => r.groupId === staff.agent2.id)?.values.firstResponseMedianMin;
      };
      expect([await median('day'), await median('shift')]).toEqual([12, 12]);
      // A stray histogram row shows in the day report (a shift report, from the facts, does not).
      await db.query(`INSERT INTO kpi_daily_responses VALUES ($1, 'agent', $2, 1000, 2)`, [DAY, staff.agent2.id]);
      expect([await median('day'), await median('shift')]).toEqual([1000, 12]);
      await db.query(`DELETE FROM kpi_daily_responses WHERE minutes = 1000`);
    });
  });
}
